// The alert inbox: "select all on this page" ticks or clears every row's checkbox.
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("select-all");
  if (!all) return;
  const boxes = () => document.querySelectorAll('#alert-table tbody input[name="ids"]');
  all.addEventListener("change", () => boxes().forEach((b) => { b.checked = all.checked; }));
});
