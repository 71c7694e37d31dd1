"""The live face in a real Jupyter kernel: displaying a slider figure gives a widget,
and moving its slider in the kernel redraws the figure (no browser needed)."""
import nbformat
from nbclient import NotebookClient

CELLS = [
    "from rnn_lib.explorers import first_order as fo\nex = fo.linear_map_explorer()\nex",
    "w = ex.widget\nbefore = w.image.value\nslider = w.controls[0]\n"
    "slider.value = slider.options[-1][1]\n"
    "assert w.image.value != before, 'the image did not change'\n"
    "print('changed', len(before), '->', len(w.image.value), 'bytes')",
]


def test_moving_a_slider_in_the_kernel_redraws_the_figure(monkeypatch):
    monkeypatch.delenv("RNN_BOOK_STATIC", raising=False)      # a reader's kernel, not the build
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    shown = nb.cells[0].outputs[0]
    assert shown["output_type"] == "execute_result"
    assert "application/vnd.jupyter.widget-view+json" in shown["data"]   # the live widget
    assert "text/html" not in shown["data"]                              # no frames computed
    printed = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert printed.startswith("changed"), nb.cells[1].outputs
