from django.urls import path

from chinhquyen.news import feeds, views

app_name = "news"
urlpatterns = [
    # Public (Vietnamese paths: read aloud and typed).
    path("", views.article_list, name="list"),
    path("<int:pk>/", views.article, name="article"),
    path("<int:pk>/anh", views.article_image, name="article_image"),
    path("van-ban/", views.document_list, name="documents"),
    path("van-ban/<int:pk>/", views.document, name="document"),
    path("van-ban/<int:pk>/tai-ve.pdf", views.document_file, name="document_file"),
    path("rss/tin-tuc.xml", feeds.NewsFeed(), name="feed_news"),
    path("rss/thong-bao.xml", feeds.AnnouncementFeed(), name="feed_announcements"),
    path("rss/van-ban.xml", feeds.DocumentFeed(), name="feed_documents"),
    path("rss/co-quan/<int:pk>.xml", feeds.AgencyFeed(), name="feed_agency"),
    # Back office.
    path("quan-ly/", views.manage, name="manage"),
    path("quan-ly/moi/", views.manage_new, name="manage_new"),
    path("quan-ly/<int:pk>/", views.manage_article, name="manage_article"),
    path(
        "quan-ly/<int:pk>/<slug:action>/",
        views.manage_action,
        name="manage_action",
    ),
    path("quan-ly/van-ban/", views.manage_documents, name="manage_documents"),
    path("quan-ly/van-ban/moi/", views.manage_document_new, name="manage_document_new"),
    path("quan-ly/van-ban/<int:pk>/", views.manage_document, name="manage_document"),
    path(
        "quan-ly/van-ban/<int:pk>/xoa/",
        views.manage_document_delete,
        name="manage_document_delete",
    ),
]
