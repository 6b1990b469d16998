/* cf_expand_inputs (customflow.h): the directory expansion of
 * cf_convert_inputs (engine/inputs.c) offered to programs, so that a plan
 * lists exactly the captures a single run would convert, in its order. */
#include "engine/inputs.h"

int cf_expand_inputs(cf_session *s, const char *const *inputs, size_t n, char ***captures,
                     size_t *n_captures, char *err, size_t errlen)
{
    *captures = NULL;
    *n_captures = 0;
    return cf_inputs_expand(s, inputs, n, captures, n_captures, err, errlen);
}
