// Progressive enhancement: show each <time data-local> in the viewer's time zone; the
// title keeps the UTC moment. Without scripts the pages show UTC.
document.querySelectorAll("time[data-local]").forEach(function (el) {
  var d = new Date(el.getAttribute("datetime"));
  if (isNaN(d)) return;
  el.textContent = d.toLocaleString(undefined, {year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short"});
});
