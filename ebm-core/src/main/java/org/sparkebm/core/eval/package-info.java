/** Evaluation of a trained energy: batched energies, quantiles and AUROC. */
package org.sparkebm.core.eval;
