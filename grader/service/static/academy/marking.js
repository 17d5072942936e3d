// The marking form: Control+Enter (Command+Enter on a Mac) in the comment saves and opens
// the next answer, as Enter does in the score box. The form works without this script.
document.addEventListener("keydown", (event) => {
  const field = event.target;
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  if (!(field instanceof HTMLTextAreaElement)) return;
  const form = field.closest("form[data-marking-form]");
  if (!form) return;
  event.preventDefault();
  form.requestSubmit();
});
