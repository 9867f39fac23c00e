from django.urls import path

from accounts.api import views

urlpatterns = [
    path("me/", views.WhoAmIView.as_view(), name="api_me"),
    # What each `type` of an error answer means (a plain view: public, not an operation).
    path("problems/<slug:slug>/", views.problem_type, name="api_problem_type"),
]
