"""Template context for the portal's header: the merchants the user can switch to."""

from accounts import selectors


def memberships(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_memberships": selectors.memberships_for_user(user=user)}
