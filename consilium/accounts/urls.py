from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

app_name = "accounts"

# Placeholder routes; the accounts work replaces them with the real views.
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", TemplateView.as_view(template_name="core/home.html"), name="register"),
    path("settings/", TemplateView.as_view(template_name="core/home.html"), name="settings"),
    path("two-factor/", TemplateView.as_view(template_name="core/home.html"), name="two_factor"),
    path(
        "specialist/", TemplateView.as_view(template_name="core/home.html"), name="specialist_home"
    ),
]
