// Progressive enhancement for the moderation queue: focus the item to work on,
// and act on it with one key. Without JavaScript every button still works, and
// the page still lands on the next item (its #item-N fragment).
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  if (!items.length) return;

  function focusItem(item) {
    item.focus();
    item.scrollIntoView({ block: "nearest" });
  }

  var target = location.hash && document.getElementById(location.hash.slice(1));
  focusItem(target && target.classList.contains("queue-item") ? target : items[0]);

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    // Typing a reason or a note is typing, not a command.
    if (event.target.matches("input:not([type]), input[type=text], textarea, select")) return;
    var item = document.activeElement && document.activeElement.closest(".queue-item");
    if (!item) return;
    var index = items.indexOf(item);
    if (event.key === "j" || event.key === "k") {
      var next = items[index + (event.key === "j" ? 1 : -1)];
      if (next) focusItem(next);
      event.preventDefault();
      return;
    }
    var box = item.querySelector(".queue-select");
    if (event.key === " " && event.target === item && box) {  // appeals and quotes have no tick box
      box.checked = !box.checked;
      event.preventDefault();
      return;
    }
    var button = item.querySelector('button[data-key="' + event.key + '"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
