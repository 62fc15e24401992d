"""Peer for prof's statistics: scipy computes the same quantities on the same
numbers. Reads a JSON file of cases (argv[1]) and prints a JSON object of
scipy's answers; the Rust test `stats_peer` compares them with prof's.
"""
import json
import sys

import numpy as np
from scipy import stats


def one_sided(test_a, test_b):
    return {"statistic": float(test_a.statistic), "p_greater": float(test_a.pvalue),
            "p_less": float(test_b.pvalue), "df": float(test_a.df)}


def main():
    cases = json.load(open(sys.argv[1]))
    out = {"prediction": [], "welch": [], "distribution": [], "bh": None}
    for case in cases["prediction"]:
        # The prediction-interval test of one new value x is Student's pooled
        # two-sample t-test of [x] against the window (pooled variance is the
        # window's, df = n - 1): an independent formulation of the same test.
        head, window = [case["head"]], case["window"]
        greater = stats.ttest_ind(head, window, equal_var=True, alternative="greater")
        less = stats.ttest_ind(head, window, equal_var=True, alternative="less")
        out["prediction"].append(one_sided(greater, less))
    for case in cases["welch"]:
        heads, window = case["heads"], case["window"]
        greater = stats.ttest_ind(heads, window, equal_var=False, alternative="greater")
        less = stats.ttest_ind(heads, window, equal_var=False, alternative="less")
        out["welch"].append(one_sided(greater, less))
    for case in cases["distribution"]:
        df, x, p = case["df"], case["x"], case["p"]
        out["distribution"].append({
            "cdf": float(stats.t.cdf(x, df)),
            "sf": float(stats.t.sf(x, df)),
            "quantile": float(stats.t.ppf(p, df)),
        })
    out["bh"] = [float(q) for q in stats.false_discovery_control(np.array(cases["bh"]), method="bh")]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
