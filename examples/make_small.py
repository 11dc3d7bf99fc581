"""Make the three small hand-made example files in examples/.

    animals.csv        multiclass, probabilities only (no pred column)
    spam_scores.csv    binary, a single score P(spam), no pred column
    tickets.jsonl      JSON Lines, pred plus a probability array

These are NOT real data. Which rows exist, their true labels and which rows
the "model" gets wrong (and how) are written out by hand below; only the
exact probability values are filled in by a seeded random generator, so the
files look like model output. Every probability row sums to 1 exactly in
decimal, and the largest probability is always unique.

Run from the repository root (any Python 3.8+, standard library only):

    /usr/bin/python3 examples/make_small.py

It rewrites the three files in examples/; the output is deterministic.
"""

import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def split_probs(rng, n_classes, top_idx, top_range, second_idx=None,
                second_share=(0.2, 0.8), scale=1000):
    """Integer probabilities (out of `scale`) whose largest is at top_idx.

    If second_idx is given, that class gets the second largest value.
    Redraws until the maximum is unique by a margin of at least 1% and the
    requested second place holds.
    """
    while True:
        top = round(scale * rng.uniform(*top_range))
        rest = scale - top
        others = [i for i in range(n_classes) if i != top_idx]
        if n_classes == 2:
            vals = {top_idx: top, others[0]: rest}
        else:
            a = round(rest * rng.uniform(*second_share))
            b = rest - a
            if second_idx is not None:
                a, b = max(a, b), min(a, b)
                first = second_idx
            else:
                first = others[0] if rng.random() < 0.5 else others[1]
            last = [i for i in others if i != first][0]
            vals = {top_idx: top, first: a, last: b}
        ps = [vals[i] for i in range(n_classes)]
        if all(top - p >= scale // 100 for i, p in enumerate(ps) if i != top_idx):
            return ps


def fmt(v, scale):
    digits = len(str(scale)) - 1
    text = f"{v / scale:.{digits}f}".rstrip("0").rstrip(".")
    return text if text else "0"


# ---------------------------------------------------------------- animals ---
ANIMALS = ["cat", "dog", "fox"]
# (photo_source, label, pred or None if correct, top-probability range)
ANIMAL_ROWS = (
    [("studio", "cat", None, (0.86, 0.98))] * 5
    + [("studio", "dog", None, (0.86, 0.98))] * 4
    + [("studio", "fox", None, (0.80, 0.96))] * 3
    + [("phone", "cat", None, (0.70, 0.95))] * 5
    + [("phone", "dog", None, (0.70, 0.95))] * 5
    + [("phone", "fox", None, (0.65, 0.90))] * 3
    + [("phone", "dog", "cat", (0.50, 0.62))]          # small fluffy dog
    + [("trail_cam", "fox", None, (0.60, 0.90))] * 4
    + [("trail_cam", "dog", None, (0.60, 0.90))] * 3
    + [("trail_cam", "cat", None, (0.60, 0.90))] * 2
    + [("trail_cam", "fox", "dog", (0.48, 0.58))]
    + [("night", "fox", None, (0.45, 0.75))] * 3
    + [("night", "cat", None, (0.45, 0.75))] * 2
    + [("night", "dog", None, (0.45, 0.75))] * 2
    + [("night", "fox", "dog", (0.46, 0.60))]
    + [("night", "fox", "dog", (0.84, 0.90))]          # confident mistake
    + [("night", "cat", "fox", (0.45, 0.58))]
    + [("night", "cat", "fox", (0.50, 0.66))]
    + [("night", "dog", "fox", (0.44, 0.55))]
)


def make_animals(rng):
    rows = list(ANIMAL_ROWS)
    rng.shuffle(rows)
    lines = ["id,photo_source,label,p_cat,p_dog,p_fox"]
    for i, (src, label, pred, top_range) in enumerate(rows, start=1):
        if pred is None:
            ps = split_probs(rng, 3, ANIMALS.index(label), top_range)
        else:
            ps = split_probs(rng, 3, ANIMALS.index(pred), top_range,
                             second_idx=ANIMALS.index(label))
        lines.append(",".join([str(i), src, label] + [fmt(p, 1000) for p in ps]))
    return lines


# ------------------------------------------------------------------- spam ---
# (sender_domain, label, score range); score is P(spam), pred = spam iff
# score >= 0.5.
SPAM_ROWS = (
    [("mail.example.com", "ham", (0.01, 0.15))] * 8
    + [("corp.example.org", "ham", (0.01, 0.12))] * 8
    + [("news.example.com", "ham", (0.10, 0.40))] * 6
    + [("news.example.com", "ham", (0.91, 0.95))]      # confident false alarm
    + [("news.example.com", "ham", (0.52, 0.58))]      # near-miss false alarm
    + [("bank.example.net", "ham", (0.05, 0.30))] * 4
    + [("bank.example.net", "ham", (0.62, 0.70))]      # false alarm
    + [("prize-claim.example.net", "spam", (0.85, 0.99))] * 7
    + [("cheap-meds.example.net", "spam", (0.88, 0.99))] * 7
    + [("bank.example.net", "spam", (0.60, 0.90))] * 3  # spoofed bank mail
    + [("bank.example.net", "spam", (0.41, 0.47))]      # missed phishing
    + [("mail.example.com", "spam", (0.55, 0.80))] * 2  # hijacked accounts
    + [("mail.example.com", "spam", (0.03, 0.06))]      # confident miss
    + [("corp.example.org", "spam", (0.50, 0.50))]      # exactly on threshold
)


def make_spam(rng):
    rows = list(SPAM_ROWS)
    rng.shuffle(rows)
    lines = ["message_id,sender_domain,label,spam_score"]
    for i, (domain, label, (lo, hi)) in enumerate(rows, start=1):
        score = round(1000 * rng.uniform(lo, hi))
        lines.append(f"msg-{1000 + 7 * i},{domain},{label},{fmt(score, 1000)}")
    return lines


# ---------------------------------------------------------------- tickets ---
TICKET_CLASSES = ["account", "billing", "bug"]   # order of "probs"
# (channel, label, pred or None if correct, top-probability range)
TICKET_ROWS = (
    [("email", "billing", None, (0.65, 0.95))] * 7
    + [("email", "bug", None, (0.60, 0.92))] * 5
    + [("email", "account", None, (0.60, 0.90))] * 4
    + [("web", "bug", None, (0.70, 0.97))] * 7
    + [("web", "billing", None, (0.60, 0.90))] * 3
    + [("web", "account", None, (0.60, 0.90))] * 3
    + [("chat", "account", None, (0.50, 0.85))] * 4
    + [("chat", "billing", None, (0.50, 0.85))] * 3
    + [("chat", "bug", None, (0.50, 0.85))] * 2
    + [("chat", "account", "billing", (0.48, 0.62))] * 2   # "card locked"
    + [("chat", "billing", "account", (0.45, 0.55))]
    + [("chat", "account", "billing", (0.80, 0.86))]       # confident miss
    + [("email", "billing", "bug", (0.45, 0.56))]          # "charged twice"
    + [("web", "bug", "account", (0.50, 0.60))]            # "can't log in"
    + [("phone", "account", None, (0.55, 0.85))] * 2
    + [("phone", "billing", None, (0.55, 0.85))]
)


def make_tickets(rng):
    rows = list(TICKET_ROWS)
    rng.shuffle(rows)
    lines = []
    ticket = 4100
    for channel, label, pred, top_range in rows:
        ticket += 1 + int(rng.uniform(0, 9))
        pred = pred or label
        second = None if pred == label else TICKET_CLASSES.index(label)
        ps = split_probs(rng, 3, TICKET_CLASSES.index(pred), top_range,
                         second_idx=second, scale=100)
        obj = {"ticket": ticket, "channel": channel, "label": label,
               "pred": pred, "probs": [p / 100 for p in ps]}
        lines.append(json.dumps(obj))
    return lines


def write(name, lines):
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote examples/{name}: {len(lines)} lines")


def main():
    write("animals.csv", make_animals(random.Random(11)))
    write("spam_scores.csv", make_spam(random.Random(22)))
    write("tickets.jsonl", make_tickets(random.Random(33)))


if __name__ == "__main__":
    main()
