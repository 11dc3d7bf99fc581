"""Make examples/occupancy_predictions.csv: real out-of-fold predictions.

Data: UCI "Room Occupancy Estimation" (Singh, A. P. et al., 2018; UCI Machine
Learning Repository, CC BY 4.0), 10,129 readings taken every ~30 s in one
room, target Room_Occupancy_Count = 0, 1, 2 or 3 people.

Model: a deliberately weak scikit-learn HistGradientBoostingClassifier that
sees only three inputs -- hour of day, the CO2 sensor (S5_CO2) and one motion
sensor (S6_PIR) -- and none of the light, temperature or sound sensors. Every
row gets the prediction of the model trained on the other 4 folds of a
StratifiedKFold(n_splits=5, shuffle=True, random_state=0), so every error is
an out-of-fold error.

The output also carries date, S1_Temp and S1_Light, which the model did NOT
use, so errors can be sliced by them.

Run from the repository root with Debian's Python (numpy, pandas,
scikit-learn 1.2):

    /usr/bin/python3 examples/make_occupancy.py \
        /work/shared/data/raw/occupancy.csv examples/occupancy_predictions.csv

Both arguments are optional (defaults shown above). The script is
deterministic: the same input gives byte-identical output.
"""

import sys

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold

SRC = "/work/shared/data/raw/occupancy.csv"
DST = "examples/occupancy_predictions.csv"
MODEL_INPUTS = ["hour", "S5_CO2", "S6_PIR"]
EXPORTED = ["date", "hour", "S1_Temp", "S1_Light", "S5_CO2", "S6_PIR"]
CLASSES = [0, 1, 2, 3]


def fmt(p):
    """Probability with at most 6 decimals, no trailing zeros, no exponent."""
    text = f"{p:.6f}".rstrip("0").rstrip(".")
    return text if text else "0"


def main(src=SRC, dst=DST):
    raw = pd.read_csv(src)
    df = pd.DataFrame(
        {
            "id": np.arange(1, len(raw) + 1),
            "date": pd.to_datetime(raw["Date"], format="%Y/%m/%d").dt.strftime(
                "%Y-%m-%d"
            ),
            "hour": pd.to_datetime(raw["Time"], format="%H:%M:%S").dt.hour,
            "S1_Temp": raw["S1_Temp"],
            "S1_Light": raw["S1_Light"],
            "S5_CO2": raw["S5_CO2"],
            "S6_PIR": raw["S6_PIR"],
        }
    )
    y = raw["Room_Occupancy_Count"].to_numpy()
    X = df[MODEL_INPUTS].to_numpy(dtype=float)

    proba = np.zeros((len(df), len(CLASSES)))
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    for train, test in cv.split(X, y):
        model = HistGradientBoostingClassifier(random_state=0, early_stopping=False)
        model.fit(X[train], y[train])
        assert list(model.classes_) == CLASSES
        proba[test] = model.predict_proba(X[test])

    proba = np.round(proba, 6)
    pred = proba.argmax(axis=1)
    out = df[["id"] + EXPORTED].copy()
    out["label"] = y
    out["pred"] = np.array(CLASSES)[pred]
    out["confidence"] = [fmt(v) for v in proba[np.arange(len(df)), pred]]
    for j, c in enumerate(CLASSES):
        out[f"p_{c}"] = [fmt(v) for v in proba[:, j]]
    out.to_csv(dst, index=False, lineterminator="\n")
    errors = int((out["label"] != out["pred"]).sum())
    print(f"wrote {dst}: {len(out)} rows, {errors} errors")


if __name__ == "__main__":
    main(*sys.argv[1:3])
