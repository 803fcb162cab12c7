// The marking workbench by keyboard: type the points, Enter submits (the form does that),
// "=" takes the keyword hint, Alt+1…9 ticks a rubric line and adds its points.
(function () {
  "use strict";
  const form = document.getElementById("mark-form");
  if (!form) return;
  const points = document.getElementById("points");
  const boxes = Array.from(form.querySelectorAll("input[name=criterion]"));
  const suggested = form.querySelector("input[name=suggested]").value;

  function sum() {
    const total = boxes.filter((b) => b.checked).reduce((s, b) => s + Number(b.dataset.points), 0);
    points.value = String(total);
  }
  boxes.forEach((box) => box.addEventListener("change", sum));

  document.addEventListener("keydown", (event) => {
    if (event.key === "=" && !event.altKey && !event.ctrlKey) {
      event.preventDefault();
      points.value = suggested.replace(/\.0$/, "");
      points.focus();
      return;
    }
    if (event.altKey && /^Digit[1-9]$/.test(event.code)) {
      const box = boxes[Number(event.code.slice(5)) - 1];
      if (box) {
        event.preventDefault();
        box.checked = !box.checked;
        sum();
        points.focus();
      }
    }
  });
  // One submission per answer: a double Enter must not post the next answer's mark twice.
  form.addEventListener("submit", (event) => {
    if (form.dataset.sent) event.preventDefault();
    form.dataset.sent = "1";
  });
})();
