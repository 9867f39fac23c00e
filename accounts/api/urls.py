from django.urls import path

from accounts.api import views

urlpatterns = [path("me/", views.WhoAmIView.as_view(), name="api_me")]
