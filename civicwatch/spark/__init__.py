"""Archive-scale batch extraction on Apache Spark (``civicwatch spark extract``).

- ``job.py``: the driver (inputs, the job, writing the datasets, the summary);
- ``worker.py``: what runs on the executors (the single-machine per-page path);
- ``daemon.py``: the executors' PySpark daemon, which loads the models once before forking the workers;
- ``output.py``: the output layout, its rows, and reading it back for ``civicwatch ingest DIR``;
- ``cli.py``: the ``civicwatch spark`` commands; ``submit.py``: the script to give spark-submit.

pyspark is imported only when a job runs: ``civicwatch ingest DIR`` reads an output with pyarrow alone.
"""
