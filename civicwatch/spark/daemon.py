"""The PySpark daemon of civicwatch jobs: it loads the NLP models, then forks the Python workers.

Spark starts one daemon per executor and forks a Python worker from it for each task slot, so with
the models loaded in the daemon they load once per executor and the workers share their memory
(copy-on-write) instead of holding a copy each. ``make_session`` selects it
(``spark.python.daemon.module=civicwatch.spark.daemon``); ``--conf
spark.python.daemon.module=pyspark.daemon`` restores Spark's own, and each worker then loads the
models on its first task (``worker.load_models``).
"""

from __future__ import annotations

if __name__ == "__main__":
    from pyspark import daemon

    from civicwatch.spark.worker import load_models

    load_models()
    daemon.manager()
