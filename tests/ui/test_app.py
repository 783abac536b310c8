"""The app window (an overview until the full views land) on the sample and on bad input."""

from core.sample import SAMPLE_PATH
from ui.app import MainWindow


def test_window_shows_sample_summary(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.load(str(SAMPLE_PATH))
    assert window.statusBar().currentMessage().startswith("60 products, 2023-01-01")
    text = window.overview.toPlainText()
    assert "商品编码" in text and "gb18030" in text


def test_window_shows_readable_error_for_bad_file(qtbot, tmp_path):
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    window = MainWindow()
    qtbot.addWidget(window)
    window.load(str(bad))
    assert "empty" in window.overview.toPlainText()
    assert "空" in window.overview.toPlainText()
    assert window.statusBar().currentMessage() == "Could not import the file"
