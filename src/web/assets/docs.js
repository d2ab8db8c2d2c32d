// The API reference page (Scalar): name the icon-only copy buttons it renders, for screen readers.
const label = () => {
  for (const button of document.querySelectorAll(
    'button.scalar-code-copy:not([aria-label])',
  ))
    button.setAttribute('aria-label', 'Copy');
};
new MutationObserver(label).observe(document.documentElement, {
  childList: true,
  subtree: true,
});
label();
