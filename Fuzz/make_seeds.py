#!/usr/bin/env python3
"""Regenerates the seed corpora in Fuzz/Corpus/<harness>/: small valid inputs of every format, and tiny
real artefacts saved by the release `marquee` binary (run by `Tools/fuzz --make-seeds`)."""
import os, shutil, struct, subprocess, sys, tempfile
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "Corpus")
BIN = os.path.join(ROOT, ".build", "release", "marquee")

RATINGS_CSV = "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,3.0,964981247\n2,1,5.0,964982224\n2,3,4.5,964983815\n3,2,4.0,964982931\n3,3,2.0,964981680\n4,1,4.0,964982400\n4,2,5.0,964982401\n"
MOVIES_CSV = 'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation|Children\n2,"Heat, the (1995)",Action|Crime\n3,"Say ""Hi"" (2001)",(no genres listed)\n'


def put(harness, name, data):
    folder = os.path.join(CORPUS, harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def npy(array):
    path = tempfile.mktemp(suffix=".npy")
    np.save(path, array)
    with open(path, "rb") as f:
        data = f.read()
    os.remove(path)
    return data


def vecs(rows, dtype):
    out = b""
    for r in rows:
        out += struct.pack("<i", len(r)) + np.asarray(r, dtype=dtype).tobytes()
    return out


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    put("ratings-csv", "small.csv", RATINGS_CSV)
    put("ratings-csv", "crlf-reordered.csv", "movieId,userId,timestamp,rating\r\n1,1,964982703,4.0\r\n2,1,964981247,3")
    put("ratings-dat", "small.dat", "1::1::5::978300760\n1::2::3::978302109\n2::1::4::978301968\n2::3::4::978300275\n")
    put("u-data", "small.data", "1\t1\t5\t874965758\n1\t2\t3\t876893171\n2\t1\t4\t878542960\n3\t2\t1\t875072484\n")
    put("movies-csv", "small.csv", MOVIES_CSV)
    put("movies-dat", "small.dat", "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Heat (1995)::Action|Crime|Thriller\n3::Caf\xe9 (1999)::Drama\n".encode("latin-1"))
    put("u-item", "small.item", ("1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
                                 "2|Caf\xe9 (1995)|01-Jan-1995||http://x|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n").encode("latin-1"))
    put("tags-csv", "small.csv", "userId,movieId,tag,timestamp\n2,1,funny,1445714994\n2,2,\"heist, classic\",1445714996\n")
    put("links-csv", "small.csv", "movieId,imdbId,tmdbId\n1,0114709,862\n2,0113277,949\n3,0000001,\n")
    with open(os.path.join(ROOT, "config.yaml")) as f:
        put("config-yaml", "config.yaml", f.read())
    put("config-yaml", "small.yaml", "data:\n  threshold: 3.5\nals:\n  factors: 16\n  iterations: 2\nncf:\n  layers: [16, 8]\n")
    put("npy", "float32-2x3.npy", npy(np.arange(6, dtype="<f4").reshape(2, 3)))
    put("npy", "float64-3.npy", npy(np.array([1.5, -2, 3], dtype="<f8")))
    put("npy", "int64-4.npy", npy(np.array([1, 2, 3, 4], dtype="<i8")))
    put("npy", "int32-2x2.npy", npy(np.array([[1, 2], [3, 4]], dtype="<i4")))
    put("fvecs", "two.fvecs", vecs([[1, 2, 3], [4, 5, 6]], "<f4"))
    put("ivecs", "two.ivecs", vecs([[0, 1], [1, 0]], "<i4"))

    # Tiny real artefacts from the release binary.
    if not os.access(BIN, os.X_OK):
        sys.exit(f"{BIN} missing: swift build -c release --product marquee")
    work = tempfile.mkdtemp(prefix="marquee-seeds-")
    data = os.path.join(work, "tiny")
    os.makedirs(data)
    with open(os.path.join(data, "ratings.csv"), "w") as f:
        f.write(RATINGS_CSV)
    with open(os.path.join(data, "movies.csv"), "w") as f:
        f.write(MOVIES_CSV)
    models = os.path.join(work, "models")
    common = ["--data", data, "--models-dir", models]

    def marquee(*args):
        subprocess.run([BIN] + list(args), check=True, stdout=subprocess.DEVNULL)

    marquee("ingest", *common)
    marquee("train", "--model", "als", "--factors", "2", "--iterations", "1", *common)
    marquee("train", "--model", "gmf", "--factors", "2", "--epochs", "1", "--no-validation", *common)
    als = os.path.join(models, "tiny", "als.model")
    marquee("build-index", "--model", als, "--metric", "cosine", "--out", os.path.join(work, "cosine.hnsw"), *common)
    marquee("build-index", "--model", als, "--metric", "ip", "--out", os.path.join(work, "ip.hnsw"), *common)
    for harness, source in [("dataset-cache", os.path.join(models, "tiny", "dataset.cache")), ("als-model", als),
                            ("ncf-model", os.path.join(models, "tiny", "gmf.model")),
                            ("hnsw-index", os.path.join(work, "cosine.hnsw")), ("hnsw-index", os.path.join(work, "ip.hnsw"))]:
        with open(source, "rb") as f:
            put(harness, os.path.basename(source), f.read())
    # No command writes an embedding store; its seed is an ALS model relabelled (the harness re-seals
    # checksums, and the fuzzer finds the 'embeddings' kind and metadata from there).
    with open(als, "rb") as f:
        model = bytearray(f.read())
    model[12:28] = b"embeddings".ljust(16, b"\0")
    put("embedding-store", "relabelled-als.embeddings", bytes(model))
    shutil.rmtree(work)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(CORPUS) for f in fs)
    print(f"seeds written under {CORPUS} ({total} bytes)")


if __name__ == "__main__":
    main()
