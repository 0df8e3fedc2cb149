// A sheet saves itself as it is filled (htmx posts the form on change and swaps the questions
// back in, to show what now applies and what needs attention). A reply that arrives after the
// person typed again would put older values back into the fields, and one that arrives after
// the person pressed a button would race the submission: neither is swapped in.
(function () {
  let edits = 0;
  let submitting = false;
  document.addEventListener("input", function () { edits += 1; });
  document.addEventListener("submit", function () { submitting = true; });
  document.addEventListener("htmx:confirm", function (event) {
    if (submitting) event.preventDefault();
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    event.detail.requestConfig.parcoursEdits = edits;
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (submitting || event.detail.requestConfig.parcoursEdits !== edits) {
      event.detail.shouldSwap = false;
    }
  });
})();
