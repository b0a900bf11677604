// « Tout » : a checkbox `data-select-all="<name>"` ticks or unticks every checkbox named <name> of its form.
for (const box of document.querySelectorAll("input[data-select-all]")) {
  const boxes = () => box.form
    ? box.form.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)
    : document.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`);
  box.addEventListener("change", () => { for (const other of boxes()) other.checked = box.checked; });
}
