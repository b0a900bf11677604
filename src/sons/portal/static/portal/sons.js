// Tables wider than the screen scroll inside their DSFR box (.fr-table): such a box takes the keyboard focus, so
// that it scrolls without a mouse (WCAG 2.1.1, axe-core's « scrollable-region-focusable »).
const SCROLLING = ".fr-table > table, .fr-table__container";

function focusScrollingTables() {
  for (const box of document.querySelectorAll(SCROLLING)) {
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute("tabindex", "0");
      box.dataset.sonsScroll = "1";
    } else if (box.dataset.sonsScroll) {
      box.removeAttribute("tabindex");
      delete box.dataset.sonsScroll;
    }
  }
}

focusScrollingTables();
window.addEventListener("resize", focusScrollingTables);
