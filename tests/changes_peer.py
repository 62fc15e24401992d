"""Apache Otava's change points on the series prof's tests generate.

Reads a JSON file {"window": W, "alpha": A, "min_change": C, "series":
[[...], ...]} and prints {"otava_version": V, "change_points": [[index,
...], ...]}: for each series, the indices where a new level starts, from
otava.analysis.compute_change_points (E-divisive means with Otava's t-test
split and merge steps). Run by tests/cli/changes_peer.rs; it exits non-zero,
with the reason on stderr, when Otava is missing.
"""

import json
import sys
from importlib import metadata

try:
    from otava.analysis import compute_change_points
except ImportError as error:
    sys.exit(f"Apache Otava is not installed ({error}); pip install apache-otava")


def main() -> None:
    with open(sys.argv[1]) as handle:
        cases = json.load(handle)
    found = []
    for series in cases["series"]:
        # A list, not a numpy array: Otava slices only lists per window.
        points, _weak = compute_change_points(
            list(map(float, series)),
            window_len=cases["window"],
            max_pvalue=cases["alpha"],
            min_magnitude=cases["min_change"],
        )
        found.append([int(point.index) for point in points])
    json.dump(
        {"otava_version": metadata.version("apache-otava"), "change_points": found},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
