from django.urls import path

from chinhquyen.documents import (
    views_assignment,
    views_books,
    views_incoming,
    views_outgoing,
    views_search,
    views_statistics,
    views_text,
)

app_name = "documents"
# Each area adds its routes here (views_<area>.py); keep names stable, other apps link to them.
urlpatterns = [
    # Incoming registration, files and registration books (views_incoming.py, views_books.py)
    path("incoming/", views_incoming.incoming_list, name="incoming_list"),
    path("incoming/register/", views_incoming.incoming_register, name="incoming_register"),
    path("incoming/<int:pk>/", views_incoming.incoming, name="incoming"),
    path("incoming/<int:pk>/accept/", views_incoming.incoming_accept, name="incoming_accept"),
    path("incoming/<int:pk>/return/", views_incoming.incoming_return, name="incoming_return"),
    path("incoming/<int:pk>/handling/", views_incoming.incoming_update, name="incoming_update"),
    path("files/<int:pk>/", views_incoming.document_file, name="file"),
    path("books/", views_books.books, name="books"),
    path("books/open-year/", views_books.books_open_year, name="books_open_year"),
    path("books/new/", views_books.book_new, name="book_new"),
    path("books/<int:pk>/", views_books.book, name="book"),
    path("books/<int:pk>/action/", views_books.book_action, name="book_action"),
    path("books/<int:pk>/print/", views_books.book_print, name="book_print"),
    # Outgoing documents: drafting, review, issuing, distribution (views_outgoing.py)
    path("outgoing/", views_outgoing.outgoing_list, name="outgoing_list"),
    path("outgoing/new/", views_outgoing.outgoing_create, name="outgoing_create"),
    path("outgoing/<int:pk>/", views_outgoing.outgoing, name="outgoing"),
    path(
        "outgoing/<int:pk>/versions/<int:number>/<str:fmt>/",
        views_outgoing.outgoing_version_file,
        name="outgoing_version_file",
    ),
    path(
        "outgoing/<int:pk>/files/<int:file_id>/",
        views_outgoing.outgoing_file,
        name="outgoing_file",
    ),
    path("outgoing/<int:pk>/version/", views_outgoing.outgoing_version, name="outgoing_version"),
    path("outgoing/<int:pk>/comment/", views_outgoing.outgoing_comment, name="outgoing_comment"),
    path("outgoing/<int:pk>/submit/", views_outgoing.outgoing_submit, name="outgoing_submit"),
    path("outgoing/<int:pk>/approve/", views_outgoing.outgoing_approve, name="outgoing_approve"),
    path("outgoing/<int:pk>/return/", views_outgoing.outgoing_return, name="outgoing_return"),
    path("outgoing/<int:pk>/number/", views_outgoing.outgoing_number, name="outgoing_number"),
    path("outgoing/<int:pk>/render/", views_outgoing.outgoing_render, name="outgoing_render"),
    path("outgoing/<int:pk>/sign/", views_outgoing.outgoing_sign, name="outgoing_sign"),
    path("outgoing/<int:pk>/issue/", views_outgoing.outgoing_issue, name="outgoing_issue"),
    path("outgoing/<int:pk>/recall/", views_outgoing.outgoing_recall, name="outgoing_recall"),
    path("<str:kind>/<int:pk>/text/retry/", views_text.retry_text, name="retry_text"),
    # Assignment and processing (views_assignment.py)
    path("my-work/", views_assignment.my_work, name="my_work"),
    path("overdue/", views_assignment.overdue, name="overdue"),
    path("incoming/<int:pk>/assignment/", views_assignment.panel, name="assignment_panel"),
    path("incoming/<int:pk>/assign/", views_assignment.assign_view, name="assign"),
    path("incoming/<int:pk>/opinions/", views_assignment.opinion_view, name="add_opinion"),
    path(
        "incoming/<int:pk>/routing-slip.pdf",
        views_assignment.routing_slip,
        name="routing_slip",
    ),
    path("assignments/<int:pk>/assign/", views_assignment.sub_assign_view, name="sub_assign"),
    path("assignments/<int:pk>/start/", views_assignment.start_view, name="start_assignment"),
    path(
        "assignments/<int:pk>/complete/",
        views_assignment.complete_view,
        name="complete_assignment",
    ),
    path(
        "assignments/<int:pk>/withdraw/",
        views_assignment.withdraw_view,
        name="withdraw_assignment",
    ),
    path("tasks/", views_assignment.task_list, name="tasks"),
    path("tasks/new/", views_assignment.task_create, name="task_create"),
    path("tasks/<int:pk>/", views_assignment.task_detail, name="task"),
    # Statistics per agency and period (views_statistics.py)
    path("statistics/", views_statistics.statistics, name="statistics"),
    path("statistics/thong-ke.csv", views_statistics.statistics_csv, name="statistics_csv"),
    # Full-text search (views_search.py)
    path("search/", views_search.search, name="search"),
]
