"""The ablation table reads each variant's eval reports by column name, leaves missing reports as –, and refuses
a report without an overall row."""
import pytest

from training import ablation_table

HEADER = "| category | images | identity | baseline identity | face found | identity mirrored | expression | control expression |"


def _report(folder, rows):
    folder.mkdir(parents=True)
    (folder / "report.md").write_text("# Evaluation\n\n" + HEADER + "\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
                                      + "".join(f"| {r} |\n" for r in rows))


def test_rows_come_from_the_overall_line_by_column_name(tmp_path):
    _report(tmp_path / "control" / "single", ["photo | 4 | 0.9 | 0.9 | 0.9 | 0.9 | 0 | 0", "overall | 8 | 0.30 | 0.10 | 0.95 | 0.28 | 0 | 0"])
    _report(tmp_path / "control" / "emotions", ["overall | 8 | 0.2 | 0.1 | 1 | 0.2 | 0.40 | 0.25"])
    table = ablation_table.table(tmp_path).splitlines()
    assert len(table) == 3
    assert table[2] == "| (a) L_noise only | 0.95 | 0.30 | 0.28 | 0.10 | 0.40 | 0.25 | – | – |"


def test_a_report_without_an_overall_row_is_refused(tmp_path):
    _report(tmp_path / "dip" / "single", ["photo | 4 | 0.9 | 0.9 | 0.9 | 0.9 | 0 | 0"])
    with pytest.raises(ValueError, match="no table with an overall row"):
        ablation_table.table(tmp_path)
