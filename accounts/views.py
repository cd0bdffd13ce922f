from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms import DeleteAccountForm, LoginForm, NotificationSettingsForm, SignupForm
from accounts.models import HANDLE_PATTERN, User
from forum.lib.inputs import page_number
from forum.lib.limits import client_ip, limit
from forum.models import Comment, SiteSettings


@require_http_methods(["GET", "POST"])
def signup(request):
    """Anyone not logged in: make an account and be logged in."""
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not limit("signup-ip").attempt(client_ip(request)):
            form.add_error(None, "Too many new accounts from here in the last hour. Please try again later.")
            return render(request, "accounts/signup.html", {"form": form}, status=429)
        user = form.save()
        login(request, user)
        messages.success(request, f"Welcome, {user.handle}. You can now comment under your handle.")
        return redirect("forum:post_list")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The logged-in member: reply emails, followed posts, pieces sent in, and links to profile, password and deletion."""
    form = NotificationSettingsForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your email settings are saved.")
        return redirect("accounts:account")
    followed = request.user.post_follows.select_related("post").order_by("-created_at")
    pieces = request.user.submissions.select_related("section__post").order_by("-submitted_at")
    return render(request, "accounts/account.html", {"form": form, "followed": followed, "pieces": pieces})


@login_required
@require_http_methods(["GET"])
def account_data(request):
    """The logged-in member: download what the site keeps about them (profile, comments, follows), as JSON."""
    data = selectors.member_data(request.user, absolute_url=request.build_absolute_uri)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="forum-{request.user.handle}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """The logged-in member: delete their account, choosing what becomes of their comments."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user, keep_comments=form.keeps_comments)
        logout(request)
        messages.success(request, "Your account is deleted.")
        return redirect("forum:post_list")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)


def profile(request, handle):
    """Anyone: a member's published comments, newest first."""
    if not HANDLE_PATTERN.match(handle):
        # No member has it; asking the database would only risk its limits (NUL bytes, huge patterns).
        raise Http404("No member has that handle.")
    member = get_object_or_404(User, handle__iexact=handle, is_active=True)
    if member.handle != handle:
        return redirect(member, permanent=True)
    comments = Comment.objects.published().filter(author=member).select_related("post").newest_first()
    page = Paginator(comments, settings.FORUM_PROFILE_COMMENTS_PER_PAGE).get_page(page_number(request.GET.get("page")))
    return render(request, "accounts/profile.html", {"member": member, "page": page})


class PasswordResetView(auth_views.PasswordResetView):
    """Anyone: mail a reset link; limited per IP so the form cannot be used to flood an inbox."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if not limit("password-reset-ip").attempt(client_ip(self.request)):
            form.add_error(None, "Too many reset requests from here. Try again in an hour.")
            return self.form_invalid(form)
        self.extra_email_context = {"forum_name": SiteSettings.current().name}
        return super().form_valid(form)


class LoginView(auth_views.LoginView):
    """Anyone: log in. Too many failures from this address are answered 429, so scripts and proxies see it."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(error.code == "throttled" for error in form.non_field_errors().as_data()):
            response.status_code = 429
        return response
