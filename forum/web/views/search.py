"""The search page."""

from django.conf import settings
from django.shortcuts import render

from forum.lib.inputs import page_number
from forum.web import search


def search_results(request):
    """Anyone: published posts and comments matching the words typed in the header's search box."""
    query = request.GET.get("q", "")
    page = page_number(request.GET.get("page"))
    per_page = settings.FORUM_SEARCH_RESULTS_PER_PAGE
    context = {"query": query, "page_number": page}
    if not query.strip():
        return render(request, "forum/search.html", context)
    try:
        results = search.search(query, comment_offset=(page - 1) * per_page)
    except search.SearchError as error:
        return render(request, "forum/search.html", {**context, "error": str(error)}, status=400)
    context.update(
        results=results,
        has_next=page * per_page < results.comment_total,
        posts=results.posts if page == 1 else [],
    )
    return render(request, "forum/search.html", context)
