#!/usr/bin/env python3
"""Peer side of Tools/bench/serve.sh: the FastAPI + uvicorn + `implicit` stack Marquee's server replaces.

  serve_peer.py train --data DIR --out DIR [--factors 32] [--regularization 20] [--alpha 5]
                      [--iterations 15] [--threshold 4.0] [--seed 42]
      Trains implicit's ALS (conjugate gradient, one thread per core) on the positives (rating >= threshold)
      of a MovieLens folder with Marquee's confidence 1 + alpha (given to implicit as matrix values with its
      alpha = 1, so both solve the same problem) and writes DIR/model.npz. Prints one JSON object.

  SERVE_PEER_MODEL=DIR uvicorn serve_peer:app --app-dir Tools/bench --workers 2 --port P
      Serves, from DIR/model.npz and the dataset's movies.csv, the same main routes as `marquee serve` with
      the same JSON shapes (pydantic response models, as a FastAPI service would declare them):
        GET  /ready
        GET  /api/v1/users/{id}/recommendations?k=10   implicit's recommend (seen movies filtered) and, for
                                                       each item, the top-3 liked movies of implicit's explain
                                                       (one Cholesky factor per request, reused)
        GET  /api/v1/movies/{id}/similar?k=10          implicit's similar_items (cosine)
        POST /api/v1/recommendations {"likes":[…],"k":10}  recalculate_user (fold-in) + explain
      Unknown ids are 404 and out-of-range k is 422 (FastAPI's own validation) with a JSON body.

Each uvicorn worker is a process with its own copy of the model; OpenBLAS runs one thread per worker.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
import scipy.sparse as sp


def read_ratings(data):
    df = pd.read_csv(os.path.join(data, "ratings.csv"),
                     dtype={"userId": np.int64, "movieId": np.int64, "rating": np.float32, "timestamp": np.int64})
    return df


def train(args):
    from implicit.cpu.als import AlternatingLeastSquares

    df = read_ratings(args.data)
    user_ids = np.unique(df.userId.values)
    item_ids = np.unique(df.movieId.values)          # every rated movie, as Marquee's dense items
    u = np.searchsorted(user_ids, df.userId.values)
    i = np.searchsorted(item_ids, df.movieId.values)
    positive = df.rating.values >= args.threshold
    shape = (len(user_ids), len(item_ids))
    # Positives with Marquee's confidence c = 1 + alpha (binary); implicit reads the values as c (alpha = 1).
    liked = sp.csr_matrix((np.full(positive.sum(), 1.0 + args.alpha, dtype=np.float32), (u[positive], i[positive])), shape=shape)
    liked.sum_duplicates()
    liked.data[:] = 1.0 + args.alpha                  # a repeated pair counts once
    seen = sp.csr_matrix((np.ones(len(df), dtype=np.float32), (u, i)), shape=shape)
    seen.sum_duplicates()
    seen.data[:] = 1.0

    model = AlternatingLeastSquares(factors=args.factors, regularization=args.regularization, alpha=1.0,
                                    iterations=args.iterations, use_cg=True, random_state=args.seed,
                                    calculate_training_loss=False)
    start = time.perf_counter()
    model.fit(liked, show_progress=False)
    seconds = time.perf_counter() - start
    os.makedirs(args.out, exist_ok=True)
    tmp = os.path.join(args.out, f".model.tmp-{os.getpid()}.npz")
    np.savez(tmp, user_factors=np.ascontiguousarray(model.user_factors, dtype=np.float32),
             item_factors=np.ascontiguousarray(model.item_factors, dtype=np.float32),
             user_ids=user_ids, item_ids=item_ids,
             liked_indptr=liked.indptr, liked_indices=liked.indices, liked_data=liked.data,
             seen_indptr=seen.indptr, seen_indices=seen.indices,
             settings=np.array(json.dumps({"factors": args.factors, "regularization": args.regularization,
                                           "alpha": args.alpha, "iterations": args.iterations, "seed": args.seed,
                                           "threshold": args.threshold, "data": os.path.abspath(args.data)})))
    os.replace(tmp, os.path.join(args.out, "model.npz"))
    print(json.dumps({"model": "implicit", "users": shape[0], "items": shape[1], "positives": int(liked.nnz),
                      "factors": args.factors, "train_seconds": round(seconds, 3)}))


# ---------------------------------------------------------------------------------------------- the app

def load_state(folder):
    from implicit.cpu.als import AlternatingLeastSquares

    z = np.load(os.path.join(folder, "model.npz"))
    settings = json.loads(str(z["settings"]))
    users, items = len(z["user_ids"]), len(z["item_ids"])
    model = AlternatingLeastSquares(factors=settings["factors"], regularization=settings["regularization"], alpha=1.0,
                                    use_cg=True, num_threads=1)
    model.user_factors = z["user_factors"]
    model.item_factors = z["item_factors"]
    liked = sp.csr_matrix((z["liked_data"], z["liked_indices"], z["liked_indptr"]), shape=(users, items))
    seen = sp.csr_matrix((np.ones(len(z["seen_indices"]), dtype=np.float32), z["seen_indices"], z["seen_indptr"]),
                         shape=(users, items))
    movies = pd.read_csv(os.path.join(settings["data"], "movies.csv"), dtype={"movieId": np.int64, "title": str, "genres": str})
    catalog = {}
    for movie_id, title, genres in zip(movies.movieId.values, movies.title.values, movies.genres.values):
        year = None
        t = title.strip()
        if t.endswith(")") and len(t) >= 6 and t[-6] == "(" and t[-5:-1].isdigit():
            year = int(t[-5:-1])
        catalog[int(movie_id)] = (title, year, [] if genres == "(no genres listed)" else genres.split("|"))
    user_ids = z["user_ids"]
    item_ids = z["item_ids"]
    return {
        "model": model, "liked": liked, "seen": seen, "catalog": catalog, "settings": settings,
        "user_index": {int(x): n for n, x in enumerate(user_ids)},
        "item_index": {int(x): n for n, x in enumerate(item_ids)},
        "item_ids": item_ids, "confidence": 1.0 + settings["alpha"],
        "has_vector": np.diff(sp.csc_matrix(liked).indptr) > 0,
    }


def make_app():
    from typing import List, Optional

    from fastapi import FastAPI, HTTPException, Query
    from pydantic import BaseModel, Field

    state = load_state(os.environ["SERVE_PEER_MODEL"])
    model = state["model"]
    app = FastAPI(title="marquee-peer", version="1")

    class RecommendedMovie(BaseModel):
        movie_id: int
        title: str
        year: Optional[int]
        genres: List[str]
        score: float
        source: str
        because: List[int]

    class RecommendationList(BaseModel):
        user: Optional[int]
        likes: Optional[List[int]]
        model: str
        exact: bool
        history: int
        items: List[RecommendedMovie]

    class SimilarItem(BaseModel):
        movie_id: int
        title: str
        year: Optional[int]
        genres: List[str]
        score: float

    class MovieRef(BaseModel):
        movie_id: int
        title: str

    class SimilarList(BaseModel):
        query: MovieRef
        model: str
        metric: str
        items: List[SimilarItem]

    class NewcomerRequest(BaseModel):
        likes: List[int] = Field(min_length=1, max_length=1000)
        k: int = Field(10, ge=1, le=1000)
        model: str = "als"

    def describe(movie_id):
        title, year, genres = state["catalog"].get(movie_id, (f"movie {movie_id}", None, []))
        return title, year, genres

    def ranked(user_items, ids, scores):
        """The recommended items with the top-3 positive contributions of implicit's explain."""
        out = []
        weights = None
        for item, score in zip(ids, scores):
            _, contributions, weights = model.explain(0, user_items, int(item), user_weights=weights, N=3)
            movie_id = int(state["item_ids"][item])
            title, year, genres = describe(movie_id)
            out.append(RecommendedMovie(movie_id=movie_id, title=title, year=year, genres=genres, score=float(score),
                                        source="ann", because=[int(state["item_ids"][j]) for j, c in contributions if c > 0]))
        return out

    @app.get("/ready")
    def ready():
        return {"status": "ready"}

    @app.get("/api/v1/users/{user_id}/recommendations", response_model=RecommendationList)
    def recommend_user(user_id: int, k: int = Query(10, ge=1, le=1000)):
        u = state["user_index"].get(user_id)
        if u is None:
            raise HTTPException(status_code=404, detail=f"no user {user_id}")
        seen = state["seen"][u]
        ids, scores = model.recommend(u, seen, N=k, filter_already_liked_items=True)
        liked = state["liked"][u]
        return RecommendationList(user=user_id, likes=None, model="als", exact=True, history=int(liked.nnz),
                                  items=ranked(liked, ids, scores))

    @app.get("/api/v1/movies/{movie_id}/similar", response_model=SimilarList)
    def similar(movie_id: int, k: int = Query(10, ge=1, le=1000)):
        i = state["item_index"].get(movie_id)
        if i is None or not state["has_vector"][i]:
            raise HTTPException(status_code=404, detail=f"movie {movie_id} has no vector")
        ids, scores = model.similar_items(i, N=k + 1)
        items = []
        for j, s in zip(ids, scores):
            if j == i:
                continue
            m = int(state["item_ids"][j])
            title, year, genres = describe(m)
            items.append(SimilarItem(movie_id=m, title=title, year=year, genres=genres, score=float(s)))
        title, _, _ = describe(movie_id)
        return SimilarList(query=MovieRef(movie_id=movie_id, title=title), model="als", metric="cosine", items=items[:k])

    @app.post("/api/v1/recommendations", response_model=RecommendationList)
    def recommend_newcomer(body: NewcomerRequest):
        columns = []
        for m in body.likes:
            i = state["item_index"].get(m)
            if i is None:
                raise HTTPException(status_code=404, detail=f"no movie {m}")
            columns.append(i)
        columns = sorted(set(columns))
        row = sp.csr_matrix((np.full(len(columns), state["confidence"], dtype=np.float32), columns, [0, len(columns)]),
                            shape=(1, model.item_factors.shape[0]))
        ids, scores = model.recommend(0, row, N=body.k, recalculate_user=True, filter_already_liked_items=True)
        likes = [int(state["item_ids"][i]) for i in columns]
        return RecommendationList(user=None, likes=likes, model="als", exact=True, history=len(columns),
                                  items=ranked(row, ids, scores))

    return app


if "SERVE_PEER_MODEL" in os.environ:
    app = make_app()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("--data", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--factors", type=int, default=32)
    t.add_argument("--regularization", type=float, default=20.0)
    t.add_argument("--alpha", type=float, default=5.0)
    t.add_argument("--iterations", type=int, default=15)
    t.add_argument("--threshold", type=float, default=4.0)
    t.add_argument("--seed", type=int, default=42)
    args = p.parse_args()
    if args.command == "train":
        train(args)


if __name__ == "__main__":
    main()
