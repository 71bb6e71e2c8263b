// A "Print" button for the printable pages (safety plan, wallet card). It starts hidden, so a
// browser without JavaScript shows no button that does nothing; the page prints from the
// browser's own menu all the same. A script file, not an onclick attribute: the
// Content-Security-Policy allows no inline script.
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
