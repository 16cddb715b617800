"""The shared trainer: one function trains a model on prepared data, with hooks for probes.

The API (import from the submodules):

- ``ml_expert.tools.train.spec``: ``TrainingConfig``, ``ExperimentSpec(model, data, training)``
  (pydantic only; a built-in/code model without input/output takes its shapes from ``data``).
- ``ml_expert.tools.train.loop``: ``fit(experiment, job, *, prepared=None, rows=None,
  callbacks=(), seed=None, overrides=None, field="experiment", adjust_model=None) -> FitResult``
  (``adjust_model(module)`` edits the freshly built model before the optimizer is made) with
  ``history`` (per epoch: epoch, step, train_loss, val_loss, train_metric, val_metric, lr),
  ``metric_name`` ("accuracy" or "r2"; higher is better), ``val_metric``, ``val_metrics``,
  ``train_metrics``, ``val_targets``, ``val_predictions``, ``val_outputs``, ``model``,
  ``loaded`` (with ``preprocessing``, fitted on the training rows, which ``save_model`` saves),
  ``preprocessing``, ``experiment`` (after overrides), ``seed``, ``steps``, ``wall_time_s``,
  ``stopped_reason`` (None, "nan", or a StopFit reason such as "pruned"), ``device``.
- ``ml_expert.tools.train.metrics``: every task metric (``task_metrics``, ``classification_metrics``,
  ``regression_metrics``, ``per_class``, ``confusion_matrix``), ``headline_metric`` (balanced accuracy
  under imbalance), ``higher_is_better``; train, tune and evaluate score with it.
- ``ml_expert.tools.train.run``: the ``train_model`` tool (``schema``, ``watch`` for the best checkpoint,
  early stopping and progress, ``verdicts``, ``plots``).
- ``ml_expert.tools.train.callbacks``: ``Callback`` (no-op ``on_fit_start``,
  ``on_before_step``, ``on_after_step``, ``on_epoch_end``, ``on_fit_end``), ``StopFit(reason)``,
  ``FitState`` (model, optimizer, loss_fn, config, task, step, epoch, loss, inputs, targets,
  outputs, history, val_scores, steps_per_epoch, total_steps).
"""
