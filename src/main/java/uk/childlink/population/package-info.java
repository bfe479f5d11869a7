/**
 * Data on groups of children: attendance statistics computed from the stored records by the Department for
 * Education's method, as MeasureReports anyone granted MeasureReport reads without any child-level access
 * (docs/population.md).
 */
package uk.childlink.population;
