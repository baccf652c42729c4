// Hovering a mention outlines every mention of the same entity; the last line marks the page as
// scripted without errors (the browser test looks for it).
document.querySelectorAll('mark.entity').forEach(function (mark) {
  var key = mark.dataset.entity;
  function toggle(on) {
    document.querySelectorAll('mark.entity').forEach(function (other) {
      if (other.dataset.entity === key) { other.classList.toggle('same', on); }
    });
  }
  mark.addEventListener('mouseenter', function () { toggle(true); });
  mark.addEventListener('mouseleave', function () { toggle(false); });
});
document.documentElement.dataset.ready = 'true';
