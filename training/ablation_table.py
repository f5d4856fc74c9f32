"""`python3 -m training.ablation_table OUT`: issue 15's ablation table from the eval reports training/ablation.sh
wrote (OUT/<variant>/{single,emotions,pairs}/report.md), one row per variant, from each report's overall row."""
import sys
from pathlib import Path

VARIANTS = {"control": "(a) L_noise only", "dip": "(b) + DIP", "ecac": "(c) + ECAC", "both": "(d) + DIP + ECAC"}
# table column → (report, the report's column)
COLUMNS = {
    "face found": ("single", "face found"),
    "identity": ("single", "identity"),
    "identity, mirrored": ("single", "identity mirrored"),
    "text-only baseline": ("single", "baseline identity"),
    "expression": ("emotions", "expression"),
    "expression without the word": ("emotions", "control expression"),
    "two faces found": ("pairs", "face found"),
    "two people: min matched identity": ("pairs", "identity (min matched)"),
}


def overall_row(report):
    """The report's overall row as {column: cell}."""
    header = None
    for line in report.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None and cells[0] == "category":
            header = cells
        elif header and cells[0] == "overall":
            return dict(zip(header, cells))
    raise ValueError(f"{report}: no table with an overall row")


def table(out):
    out = Path(out)
    lines = ["| variant | " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * len(COLUMNS)]
    for variant, label in VARIANTS.items():
        if not (out / variant).is_dir():
            continue
        rows = {name: overall_row(out / variant / name / "report.md")
                for name in {r for r, _ in COLUMNS.values()} if (out / variant / name / "report.md").is_file()}
        cells = [rows[r].get(c, "?") if r in rows else "–" for r, c in COLUMNS.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python3 -m training.ablation_table OUT", file=sys.stderr)
        return 2
    try:
        print(table(args[0]))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
