/* The decode stage of a run: frames from the source, decoded, in arrival
 * order. With one thread it reads and decodes on the caller's thread; with
 * more, a thread of its own reads and decodes ahead and hands the packets
 * over in batches (their payload bytes copied: frames of a mapped file
 * could be read in place, but the reader drops the pages behind it and the
 * assembler would fault them back in for good, so memory would grow with
 * the file), so that reading and decoding run
 * beside flow assembly. The packets, and so the records and the output
 * bytes, are the same either way. */
#ifndef CF_ENGINE_DECODE_STAGE_H
#define CF_ENGINE_DECODE_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "decode/packet.h"
#include "engine/source.h"

typedef struct cf_decode_stage cf_decode_stage;

/* threaded: read and decode on a second thread (only for sources whose
 * reads never block: a blocked read could not be interrupted by a stop
 * request, and live statistics are read on the caller's thread).
 * keep_payload: the most payload bytes of a packet that later stages read
 * (j). NULL when out of memory. */
cf_decode_stage *cf_decode_stage_new(cf_source *src, int threaded, uint32_t keep_payload);

/* The next item, as cf_source_ops.next: CF_SRC_FRAME with *why (when
 * CF_DECODED, *pkt holds the packet, valid until the next call),
 * CF_SRC_TICK with *now_us, CF_SRC_END, or CF_SRC_DAMAGED with the message
 * in err. */
int cf_decode_stage_next(cf_decode_stage *st, cf_skip_reason *why, cf_packet *pkt, int64_t *now_us,
                         char *err, size_t errlen);

/* Bytes of the source consumed up to the items handed out so far. */
uint64_t cf_decode_stage_offset(const cf_decode_stage *st);

/* Stops the reading thread (if any) and frees the stage. */
void cf_decode_stage_free(cf_decode_stage *st);

#endif
