"""The detection rules, one module per fault family; each rule is one ``@rule(label, priority=...)`` function
with its thresholds named beside it and a docstring saying what it measures.

Priorities put causes before the symptoms they produce (lower runs first in the ranking):

| family (module) | priority | labels |
|---|---|---|
| ``crash`` | 1 | script_crashed (a crash whose cause is known gets that cause's label from its family) |
| ``wiring`` | 9-17 | optimizer_step_missing, missing_zero_grad, params_missing_from_optimizer, no_gradient_flow, frozen_parameters, softmax_into_cross_entropy, regression_loss_on_classes, eval_mode_in_training, train_mode_in_validation, batchnorm_batch_of_one |
| ``loss`` | 13-15 | wrong_loss_reduction, loss_shape_broadcast, output_activation_mismatch |
| ``optimizer`` (settings) | 18 | lr_schedule_collapse, momentum_misconfigured, weight_decay_too_high |
| ``data`` | 19-27 | unscaled_regression_target, label_leak_feature, train_val_overlap, labels_no_signal, unshuffled_sorted_data, preprocessing_mismatch, unnormalized_inputs, train_val_drift, class_imbalance_hidden |
| ``gradients`` | 30-34 | saturated_activations, dying_relu, exploding_gradients, vanishing_gradients, bad_init_loss |
| ``optimizer`` (step size) | 40-42 | lr_too_high, lr_too_low, bad_update_ratio |
| ``curves`` | 47-53 | stopped_too_early, underfitting, oscillation, overfitting, plateau |

Shared summaries of a trace (loss progress, "LR too high", "learning poorly") live in ``measures``.
"""
