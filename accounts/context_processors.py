"""Template context for the portal's header: the merchants the user can switch to."""

from accounts import selectors
from accounts.models import User


def memberships(request):
    user = getattr(request, "user", None)
    # API pages rendered for a token caller have no person behind them.
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"user_memberships": selectors.memberships_for_user(user=user)}
