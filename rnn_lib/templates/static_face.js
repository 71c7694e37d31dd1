(function () {
  var root = document.getElementById("{{ uid }}");
  var meta = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
  var inputs = root.querySelectorAll("input[type=range]");
  var frame = root.querySelector("img.rnnfig-frame");
  var status = root.querySelector(".rnnfig-status");
  function show() {
    var k = 0;                          // the frame's index, row-major over the sliders
    for (var j = 0; j < inputs.length; j++) {
      var i = +inputs[j].value;
      var text = meta.texts[j][i];
      k = k * meta.sizes[j] + i;
      root.querySelector('output[for="' + inputs[j].id + '"]').textContent = text;
      inputs[j].setAttribute("aria-valuetext", text);
    }
    frame.src = meta.frames[k];
    frame.alt = meta.alts[k];
    if (status) { status.textContent = meta.status[k]; }
  }
  inputs.forEach(function (input) { input.addEventListener("input", show); });
  // Print: the small multiple's frames (and the shared background) come from meta.
  var background = root.querySelector("img.rnnfig-bg");
  root.querySelectorAll(".rnnfig-cell").forEach(function (cell) {
    cell.querySelector(".rnnfig-pframe").src = meta.frames[+cell.getAttribute("data-k")];
    var b = cell.querySelector(".rnnfig-pbg");
    if (b && background) { b.src = background.src; }
  });
})();
