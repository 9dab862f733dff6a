from django.apps import AppConfig


class BenchdataConfig(AppConfig):
    """The benchmark data set (``manage.py bench_seed``): a tool above every layer."""

    name = "benchdata"
    verbose_name = "Benchmarks"
