/** The run configuration: keys with their docs and defaults, parsing and validation of a properties file. */
package org.sparkebm.core.config;
