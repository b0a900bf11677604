"""Races on PostgreSQL: the same work in one thread per actor, each with its own database connection."""

import threading

from django.db import connection


def run_together(work, actors) -> list:
    """`work(actor)` in one thread per actor, released at the same instant; its results or exceptions."""
    start, results, lock = threading.Barrier(len(actors)), [], threading.Lock()

    def run(actor):
        try:
            start.wait()
            outcome = work(actor)
        except Exception as error:  # collected, and asserted on by the test
            outcome = error
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
