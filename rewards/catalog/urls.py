from django.urls import path

from rewards.catalog import apis

urlpatterns = [
    path("catalog/", apis.CatalogListApi.as_view(), name="catalog-list"),
    path("catalog/<uuid:item_id>/", apis.CatalogDetailApi.as_view(), name="catalog-detail"),
    path("catalog/<uuid:item_id>/claim/", apis.CatalogClaimApi.as_view(), name="catalog-claim"),
]
