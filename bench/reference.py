#!/usr/bin/python3
"""The analyses of `errscope analyze`, done the usual way with pandas and
scikit-learn, as a yardstick for bench/run.sh.

    bench/reference.py PREDICTIONS [-o RESULT.json] [--check ERRSCOPE.json]

Reads a file of bench/gen_predictions.cpp's shape (CSV or JSON Lines, plain
or gzip; string class names; columns label, pred, confidence, p_<class>,
id and features) and computes what errscope reports with its defaults:

- confusion matrix, classification_report, balanced accuracy, Cohen's kappa,
  MCC, the error rate's Wilson interval;
- per feature, the error rate of each value (categorical) or of 5 quantile
  bins (numeric, errscope's edge rule) and of the missing cells, with lift,
  excess errors, a one-sided Fisher test and Benjamini-Hochberg q-values;
- 10 equal-width calibration bins, ECE, MCE, Brier score, log loss,
  high-confidence errors and accuracy against coverage;
- the 20 most confident errors.

The phase times go to stderr; the results, as JSON, to -o (default: none).
--check compares the numbers with an errscope JSON report of the same file
and exits 1 when one differs by more than 1e-9 (counts: at all).
Debian 12's python3-pandas 1.5 and python3-sklearn 1.2 are enough.
"""
import argparse
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats
from sklearn import metrics

Z95 = stats.norm.ppf(0.975)
MAX_CATEGORIES, FEATURE_BINS, CALIBRATION_BINS, TOP = 10, 5, 10, 20
HIGH_CONFIDENCE, LOW_CONFIDENCE = 0.9, 0.5


def read(path):
    """The predictions, with empty cells (and JSON nulls) as NaN."""
    name = path[:-3] if path.endswith(".gz") else path
    if name.endswith((".jsonl", ".ndjson")):
        df = pd.read_json(path, lines=True, dtype=False, precise_float=True)
        for column in ("label", "pred"):
            df[column] = df[column].astype(str)
        return df
    return pd.read_csv(path, dtype={"label": str, "pred": str},
                       keep_default_na=False, na_values=[""])


def wilson(errors, rows):
    """95% Wilson score interval, as errscope and scipy's binomtest."""
    errors, rows = np.asarray(errors, float), np.asarray(rows, float)
    p = errors / rows
    denominator = 2 * (rows + Z95**2)
    center = (2 * rows * p + Z95**2) / denominator
    half = Z95 * np.sqrt(Z95**2 + 4 * rows * p * (1 - p)) / denominator
    low = np.where(errors == 0, 0.0, center - half)
    high = np.where(errors == rows, 1.0, center + half)
    return low, high


def classification(y, p, classes, names):
    """`classes` are the values of y and p, `names` their display names."""
    report = metrics.classification_report(
        y, p, labels=classes, target_names=names, zero_division=0, digits=4,
        output_dict=True)
    n, errors = len(y), int((y != p).sum())
    low, high = wilson(errors, n)
    return {
        "summary": {"rows": n, "errors": errors, "accuracy": 1 - errors / n,
                    "error_rate_ci95": [float(low), float(high)]},
        "confusion_matrix": metrics.confusion_matrix(
            y, p, labels=classes).tolist(),
        "classification_report": report,
        "metrics": {
            "balanced_accuracy": metrics.balanced_accuracy_score(y, p),
            "cohen_kappa": metrics.cohen_kappa_score(y, p, labels=classes),
            "mcc": metrics.matthews_corrcoef(y, p)},
    }


def quantile_edges(values, bins):
    """errscope's equal-frequency edges: edge k is the value v (not the
    minimum) minimizing |count(< v) - k n / bins|, ties to the smaller;
    equal edges merge. pd.qcut interpolates instead, so its bins differ."""
    unique, counts = np.unique(values, return_counts=True)
    below = np.cumsum(counts) - counts
    picks = [unique[1 + np.argmin(np.abs(below[1:] - k * len(values) / bins))]
             for k in range(1, bins) if len(unique) > 1]
    return np.unique(np.concatenate([[unique[0]], picks, [unique[-1]]]))


def feature_groups(column, is_error, edges=None):
    """(key, rows, errors) per group of one feature; key is ('value', v),
    ('bin', lo, hi) or ('missing',). A numeric feature is cut at `edges`
    when given, else at quantile_edges."""
    missing = column.isna()
    present = column[~missing]
    numeric = (pd.api.types.is_numeric_dtype(column)
               and present.nunique() > MAX_CATEGORIES)
    if numeric:
        if edges is None:
            edges = quantile_edges(present.to_numpy(float), FEATURE_BINS)
        index = np.searchsorted(edges, present.to_numpy(float), "right") - 1
        index = np.minimum(index, len(edges) - 2)  # the last bin is closed
        keys = [("bin", float(edges[i]), float(edges[i + 1]))
                for i in range(len(edges) - 1)]
    else:
        codes, uniques = pd.factorize(present.astype(str), sort=True)
        index, keys = codes, [("value", v) for v in uniques]
    grouped = pd.DataFrame({"g": index, "e": is_error[~missing]}).groupby(
        "g")["e"].agg(["size", "sum"])
    out = [(keys[g], int(r["size"]), int(r["sum"]))
           for g, r in grouped.iterrows()]
    if missing.any():
        out.append((("missing",), int(missing.sum()),
                    int(is_error[missing].sum())))
    return "numeric" if numeric else "categorical", out


def slices(df, features, is_error, edges=None):
    """Every group of every feature; `edges` may give a numeric feature's
    bin edges."""
    n, total_errors = len(df), int(is_error.sum())
    table = []
    for feature in features:
        kind, groups = feature_groups(df[feature], is_error,
                                      (edges or {}).get(feature))
        table += [(feature, kind, key, rows, errors)
                  for key, rows, errors in groups]
    rows = np.array([t[3] for t in table])
    errors = np.array([t[4] for t in table])
    rate = total_errors / n
    # P(X >= errors), X hypergeometric: the one-sided Fisher exact test.
    p = stats.hypergeom.sf(errors - 1, n, total_errors, rows)
    order = np.argsort(p, kind="stable")
    q_sorted = np.minimum.accumulate(
        (p[order] * len(p) / np.arange(1, len(p) + 1))[::-1])[::-1]
    q = np.empty_like(p)
    q[order] = np.minimum(q_sorted, 1.0)
    low, high = wilson(errors, rows)
    return [{"feature": f, "kind": kind, "key": list(key), "rows": r,
             "errors": e, "error_rate": e / r, "ci95": [lo, hi],
             "lift": (e / r) / rate if rate else None,
             "excess_errors": e - r * rate, "p_value": pv, "q_value": qv}
            for (f, kind, key, r, e), lo, hi, pv, qv
            in zip(table, low, high, p, q)]


def calibration(confidence, correct, proba, y, classes):
    edges = np.arange(CALIBRATION_BINS + 1) / CALIBRATION_BINS
    index = np.minimum(np.searchsorted(edges, confidence, "right") - 1,
                       CALIBRATION_BINS - 1)
    bins = pd.DataFrame({"b": index, "c": correct, "p": confidence}).groupby(
        "b").agg(rows=("c", "size"), correct=("c", "sum"),
                 mean_confidence=("p", "mean"))
    bins["accuracy"] = bins["correct"] / bins["rows"]
    bins["gap"] = bins["mean_confidence"] - bins["accuracy"]
    onehot = (y.to_numpy()[:, None] == np.array(classes)[None, :])
    order = np.sort(confidence)[::-1]
    coverage = []
    for percent in range(10, 101, 10):
        # The largest threshold keeping at least ceil(percent% of rows).
        threshold = order[(len(order) * percent + 99) // 100 - 1]
        coverage.append(coverage_at(threshold, confidence, correct))
    return {
        "bins": {int(b): r for b, r in bins.to_dict("index").items()},
        "ece": float((bins["rows"] * bins["gap"].abs()).sum()
                     / len(confidence)),
        "mce": float(bins["gap"].abs().max()),
        "brier": float(((proba - onehot) ** 2).sum(axis=1).mean()),
        # eps=1e-15 as errscope; scikit-learn 1.2's default, "auto", clips
        # at 2.2e-16 and gives p = 0 a loss of 36.0 instead of 34.5.
        "log_loss": metrics.log_loss(y, proba, eps=1e-15, labels=classes),
        "high_confidence_errors": int(
            ((~correct) & (confidence >= HIGH_CONFIDENCE)).sum()),
        "low_confidence_correct": int(
            (correct & (confidence < LOW_CONFIDENCE)).sum()),
        "coverage": coverage,
    }


def coverage_at(threshold, confidence, correct):
    kept = confidence >= threshold
    return {"threshold": float(threshold), "rows": int(kept.sum()),
            "accuracy": float(correct[kept].mean())}


def top_errors(df, is_error):
    errors = df.loc[is_error, ["id", "label", "pred", "confidence"]]
    top = errors.sort_values("confidence", ascending=False, kind="stable")
    top = top.head(TOP).copy()
    top["row"] = top.index + 1
    return top.to_dict("records")


def analyze(df, timings, codes):
    """With `codes`, scikit-learn gets the classes as integer codes rather
    than strings: its label checks on strings take most of the time."""
    t = time.perf_counter()
    proba_columns = [c for c in df.columns if c.startswith("p_")]
    names = sorted(set(df["label"]) | set(df["pred"])
                   | {c[2:] for c in proba_columns})
    roles = {"id", "label", "pred", "confidence", *proba_columns}
    features = [c for c in df.columns if c not in roles]
    y, p, classes = df["label"], df["pred"], names
    if codes:
        y = pd.Series(pd.Categorical(y, categories=names).codes)
        p = pd.Series(pd.Categorical(p, categories=names).codes)
        classes = list(range(len(names)))
    is_error = (y != p).to_numpy()
    result = classification(y, p, classes, names)
    timings["metrics"] = time.perf_counter() - t
    t = time.perf_counter()
    result["slices"] = slices(df, features, is_error)
    timings["slices"] = time.perf_counter() - t
    t = time.perf_counter()
    proba = df[["p_" + c for c in names]].to_numpy(float)
    result["calibration"] = calibration(
        df["confidence"].to_numpy(float), ~is_error, proba, y, classes)
    timings["calibration"] = time.perf_counter() - t
    t = time.perf_counter()
    result["top_errors"] = top_errors(df, is_error)
    timings["top_errors"] = time.perf_counter() - t
    result["features"] = features
    return result


def errscope_edges(report):
    """The bin edges of each numeric feature in an errscope report."""
    edges = {}
    for feature in report["slices"]:
        bins = [g for g in feature["groups"] if g["lo"] is not None]
        if feature["kind"] == "numeric" and bins:
            edges[feature["feature"]] = np.array(
                [g["lo"] for g in bins] + [bins[-1]["hi"]])
    return edges


def compare_reports(ours, theirs):
    """(name, ours, theirs) for every number the two reports share. The
    slices of `ours` must use errscope's edges: above 65,536 distinct values
    errscope's quantile edges are approximate (docs/error-analysis.md), and
    its counts are exact for its own edges."""
    pairs = [("errors", ours["summary"]["errors"],
              theirs["summary"]["errors"]),
             ("accuracy", ours["summary"]["accuracy"],
              theirs["summary"]["accuracy"]),
             ("confusion_matrix", ours["confusion_matrix"],
              theirs["confusion_matrix"]["counts"])]
    pairs += [(f"error_rate_ci95[{i}]", a, b) for i, (a, b) in enumerate(zip(
        ours["summary"]["error_rate_ci95"],
        theirs["summary"]["error_rate_ci95"]))]
    report = ours["classification_report"]
    for c in theirs["per_class"]:
        for key, name in (("precision", "precision"), ("recall", "recall"),
                          ("f1", "f1-score"), ("support", "support")):
            pairs.append((f"{c['label']}.{key}", report[c["label"]][name],
                          c[key]))
    for average in ("macro", "weighted"):
        for key, name in (("precision", "precision"), ("recall", "recall"),
                          ("f1", "f1-score")):
            pairs.append((f"{average}.{key}", report[f"{average} avg"][name],
                          theirs["averages"][average][key]))
    pairs += [(k, v, theirs["metrics"][k]) for k, v in ours["metrics"].items()]
    groups = {(g["feature"], tuple(g["key"])): g for g in ours["slices"]}
    for feature in theirs["slices"]:
        for g in feature["groups"]:
            key = (("missing",) if g["missing"] else
                   ("bin", g["lo"], g["hi"]) if feature["kind"] == "numeric"
                   else ("value", g["value"]))
            mine = groups.get((feature["feature"], key), {})
            for k in ("rows", "errors", "p_value", "q_value"):
                pairs.append((f"{feature['feature']}{list(key)}.{k}",
                              mine.get(k), g[k]))
    cal, their_cal = ours["calibration"], theirs["calibration"]
    for i, b in enumerate(their_cal["bins"]):
        mine = cal["bins"].get(i, {"rows": 0, "correct": 0})
        for k in ("rows", "correct", "mean_confidence"):
            if b[k] is not None:
                pairs.append((f"calibration.bins[{i}].{k}", mine.get(k), b[k]))
    pairs += [(f"calibration.{k}", cal[k], their_cal[k])
              for k in ("ece", "mce", "brier", "log_loss")]
    summary = theirs["confidence_summary"]
    pairs += [(k, cal[k], summary[k])
              for k in ("high_confidence_errors", "low_confidence_correct")]
    for mine, c in zip(cal["coverage"], summary["coverage"]):
        for k in ("threshold", "rows", "accuracy"):
            pairs.append((f"coverage[{c['target']}].{k}", mine[k], c[k]))
    pairs.append(("top_errors.row", [e["row"] for e in ours["top_errors"]],
                  [e["row"] for e in theirs["top_errors"]]))
    return pairs


def differs(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return not abs(a - b) <= 1e-9
    return a != b


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("-o", "--output", help="write the results as JSON")
    parser.add_argument("--check", metavar="REPORT",
                        help="an errscope JSON report of the same file")
    parser.add_argument("--codes", action="store_true",
                        help="give scikit-learn integer codes, not strings")
    args = parser.parse_args()
    timings, start = {}, time.perf_counter()
    df = read(args.file)
    timings["read"] = time.perf_counter() - start
    result = analyze(df, timings, args.codes)
    timings["total"] = time.perf_counter() - start
    print("reference: " + ", ".join(f"{k} {v:.2f} s" for k, v in
                                    timings.items()), file=sys.stderr)
    if args.output:
        with open(args.output, "w") as f:
            json.dump(result, f, default=lambda x: x.item(), indent=1)
    if args.check:
        with open(args.check) as f:
            report = json.load(f)
        edges = errscope_edges(report)
        moved = [f for f, e in edges.items()
                 if [g["key"][1:] for g in result["slices"]
                     if g["feature"] == f and g["key"][0] == "bin"]
                 != [[a, b] for a, b in zip(e[:-1], e[1:])]]
        if moved:
            print("reference: check: errscope's quantile edges are "
                  f"approximate for {', '.join(moved)}; comparing the "
                  "counts at errscope's edges", file=sys.stderr)
        is_error = (df["label"] != df["pred"]).to_numpy()
        result["slices"] = slices(df, result["features"], is_error, edges)
        thresholds = [c["threshold"]
                      for c in report["confidence_summary"]["coverage"]]
        if thresholds != [c["threshold"]
                          for c in result["calibration"]["coverage"]]:
            print("reference: check: errscope's coverage thresholds are "
                  "approximate; comparing the rows kept at errscope's "
                  "thresholds", file=sys.stderr)
            confidence = df["confidence"].to_numpy(float)
            result["calibration"]["coverage"] = [
                coverage_at(t, confidence, ~is_error) for t in thresholds]
        pairs = compare_reports(result, report)
        bad = [p for p in pairs if differs(p[1], p[2])]
        for name, a, b in bad[:10]:
            print(f"reference: differs: {name}: pandas/sklearn {a}, "
                  f"errscope {b}", file=sys.stderr)
        print(f"reference: check: {len(pairs) - len(bad)} of {len(pairs)} "
              "numbers agree with errscope", file=sys.stderr)
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
