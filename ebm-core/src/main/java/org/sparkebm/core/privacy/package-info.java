/** Differential privacy: clipping and Gaussian noise of device updates, and the RDP accountant. */
package org.sparkebm.core.privacy;
