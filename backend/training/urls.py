"""Training pages: /training/ (see backend/training/views.py)."""

from django.urls import path

from backend.training import views

app_name = "training"
urlpatterns = [
    path("attend/<str:token>/", views.attend, name="attend"),
    path("mine/", views.my_training, name="mine"),
    path("jobs/", views.employer_jobs, name="employer-jobs"),
    path("certificates/<str:token>/", views.certificate, name="certificate"),
    path("staff/sessions/<int:pk>/qr/", views.session_qr, name="session-qr"),
    path("staff/sessions/<int:pk>/attendees/", views.session_attendees, name="session-attendees"),
    path("staff/import-template.xlsx", views.import_template, name="import-template"),
]
