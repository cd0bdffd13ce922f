// Progressive enhancement: "Reply" opens a reply form inline under the comment.
// Without JavaScript the link leads to the reply page, which does the same job.
(function () {
  "use strict";

  function commentOf(node) {
    var item = node.closest("li[id]");
    return item && /^c\d+$/.test(item.id) ? item : null;
  }

  function inlineReplyForm(link) {
    var comment = commentOf(link);
    var template = document.querySelector("#comment-form form");
    if (!comment || !template) return null;
    var anchor = comment.id;
    var form = template.cloneNode(true);
    form.action = link.href;
    form.classList.add("inline-reply-form");
    form.querySelectorAll(".invalid-feedback, .alert").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[id]").forEach(function (node) { node.id = node.id + "-" + anchor; });
    form.querySelectorAll("label[for]").forEach(function (node) { node.htmlFor = node.htmlFor + "-" + anchor; });
    form.querySelectorAll("textarea").forEach(function (node) { node.value = ""; node.classList.remove("is-invalid"); });
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn btn-link cancel-reply";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () { form.remove(); link.focus(); });
    form.appendChild(cancel);
    comment.querySelector(":scope > article").after(form);
    return form;
  }

  // Report and "Ask to remove" under each comment of a thread page. Without JavaScript they
  // are on each comment's own page (the ¶ link), which lists every action on the comment.
  function addReaderActions(root) {
    var thread = document.getElementById("comments");
    if (!thread || !thread.dataset.reportUrl) return;
    root.querySelectorAll("li[id] > article > footer").forEach(function (footer) {
      if (footer.querySelector(".remove-link, .report-link, .ask-to-remove-link")) return;
      var pk = footer.parentNode.parentNode.id.slice(1);
      var ask = document.createElement("a");
      ask.className = "ask-to-remove-link";
      ask.rel = "nofollow";
      ask.href = thread.dataset.askUrl.replace("/0/", "/" + pk + "/");
      ask.textContent = "Ask to remove";
      footer.appendChild(ask);
      if (footer.querySelector(".reply-link")) {  // published: readers see its words, so may report them
        var report = document.createElement("a");
        report.className = "report-link";
        report.rel = "nofollow";
        report.href = thread.dataset.reportUrl.replace("/0/", "/" + pk + "/");
        report.textContent = "Report";
        footer.appendChild(report);
      }
    });
  }
  addReaderActions(document);

  // An old link to a comment on page 1 of a thread that now has several pages: open the comment's own page.
  var wanted = /^#c(\d+)$/.exec(window.location.hash);
  var threadPage = document.querySelector("#comments[data-report-url]");
  if (wanted && threadPage && !document.getElementById("c" + wanted[1])) {
    window.location.replace("comments/" + wanted[1] + "/");
  }

  // Typing a name means posting under it: select that choice for the reader.
  document.addEventListener("input", function (event) {
    if (!event.target.matches("input[name=author_name]")) return;
    var form = event.target.form;
    var choice = form && form.querySelector("input[name=identity][value=name]");
    if (choice && event.target.value.trim()) choice.checked = true;
  });

  // Select the whole private removal link at a click, ready to copy.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("input.removal-link")) event.target.select();
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.reply-link");
    if (!link) return;
    var comment = commentOf(link);
    if (!comment) return;
    event.preventDefault();
    var open = comment.querySelector(":scope > .inline-reply-form");
    if (open) {
      open.querySelector("textarea").focus();
      return;
    }
    var form = inlineReplyForm(link);
    if (form) form.querySelector("textarea").focus();
  });

  // "Load more comments" appends the next page of conversations in place.
  // Without JavaScript the link opens that page, which works just as well.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.load-more");
    if (!link) return;
    var list = document.querySelector("#comments > .comment-list");
    if (!list || !window.fetch) return;
    event.preventDefault();
    link.textContent = "Loading…";
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (text) {
        var page = new DOMParser().parseFromString(text, "text/html");
        var more = page.querySelector("#comments > .comment-list");
        if (more) Array.from(more.children).forEach(function (item) { list.appendChild(item); addReaderActions(item); });
        var next = page.querySelector("a.load-more");
        if (next) {
          link.href = next.href;
          link.textContent = next.textContent;
        } else {
          link.parentNode.remove();
        }
      })
      .catch(function () { window.location.href = link.href; });
  });
})();
