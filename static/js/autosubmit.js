// A select marked data-autosubmit submits its form when it changes (the button beside it
// does the same without JavaScript).
(function () {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
})();
