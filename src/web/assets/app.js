// Gengaku pages: small enhancements on top of forms that work without JavaScript.
// Loaded from our own origin (the CSP allows no inline script).

// After htmx swaps in a preview or the errors of a form, move the focus there, so keyboard and
// screen-reader users land on what changed rather than on a button that no longer exists.
document.addEventListener('htmx:afterSettle', (event) => {
  const root = event.detail.elt;
  if (!(root instanceof Element)) return;
  const target =
    root.querySelector('#errors') ?? root.querySelector('#preview-title');
  if (target instanceof HTMLElement) target.focus();
});

// A full-page answer with errors (no JavaScript path, or a refused form): focus the summary too.
window.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector('#errors');
  if (summary instanceof HTMLElement) summary.focus();
});
