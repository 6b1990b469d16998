/* The numbers that stand in Parquet files, defined once for the writer
 * (pq_writer.c, pq_stats.c, thrift_compact.c) and the reader (pq_read_*.c).
 *
 * From the Apache Parquet format specification (parquet-format:
 * parquet.thrift) for the enums and the field ids of its structs, and from
 * the Apache Thrift compact protocol specification for the type ids of
 * field headers and list elements. Only what customflow writes or reads is
 * named, always with the specification's own value. */
#ifndef CF_PQ_FORMAT_H
#define CF_PQ_FORMAT_H

/* ---- Thrift compact protocol ---- */

/* Type ids of field headers and list elements; a bool field's value is in
 * its type (TRUE or FALSE), a bool list element is a byte of 1 or 2. */
enum {
    TC_STOP = 0,
    TC_BOOL_TRUE = 1,
    TC_BOOL_FALSE = 2,
    TC_BYTE = 3,
    TC_I16 = 4,
    TC_I32 = 5,
    TC_I64 = 6,
    TC_DOUBLE = 7,
    TC_BINARY = 8,
    TC_LIST = 9,
    TC_SET = 10,
    TC_MAP = 11,
    TC_STRUCT = 12,
};

/* ---- parquet.thrift enums ---- */

/* enum Type: physical types */
enum {
    PQ_TYPE_BOOLEAN = 0,
    PQ_TYPE_INT32 = 1,
    PQ_TYPE_INT64 = 2,
    PQ_TYPE_INT96 = 3,
    PQ_TYPE_FLOAT = 4,
    PQ_TYPE_DOUBLE = 5,
    PQ_TYPE_BYTE_ARRAY = 6,
    PQ_TYPE_FIXED_LEN_BYTE_ARRAY = 7,
};

/* enum ConvertedType (the legacy annotations) */
enum {
    PQ_CONV_UTF8 = 0,
    PQ_CONV_MAP = 1,
    PQ_CONV_MAP_KEY_VALUE = 2,
    PQ_CONV_LIST = 3,
    PQ_CONV_DATE = 6,
    PQ_CONV_TIMESTAMP_MILLIS = 9,
    PQ_CONV_TIMESTAMP_MICROS = 10,
    PQ_CONV_UINT_8 = 11, /* then UINT_16, UINT_32, UINT_64 */
    PQ_CONV_INT_8 = 15,  /* then INT_16, INT_32, INT_64 */
    PQ_CONV_INT_64 = 18,
};

/* enum FieldRepetitionType */
enum { PQ_REP_REQUIRED = 0, PQ_REP_OPTIONAL = 1, PQ_REP_REPEATED = 2 };

/* enum Encoding */
enum {
    PQ_ENCODING_PLAIN = 0,
    PQ_ENCODING_PLAIN_DICTIONARY = 2,
    PQ_ENCODING_RLE = 3,
    PQ_ENCODING_BIT_PACKED = 4,
    PQ_ENCODING_DELTA_BINARY_PACKED = 5,
    PQ_ENCODING_RLE_DICTIONARY = 8,
};

/* enum CompressionCodec */
enum {
    PQ_COMPRESSION_UNCOMPRESSED = 0,
    PQ_COMPRESSION_SNAPPY = 1,
    PQ_COMPRESSION_GZIP = 2,
    PQ_COMPRESSION_ZSTD = 6,
};

/* enum PageType */
enum {
    PQ_PAGE_DATA = 0,
    PQ_PAGE_INDEX = 1,
    PQ_PAGE_DICTIONARY = 2,
    PQ_PAGE_DATA_V2 = 3,
};

/* ---- parquet.thrift struct field ids ---- */

/* struct FileMetaData */
enum {
    PQ_FMD_VERSION = 1,
    PQ_FMD_SCHEMA = 2,
    PQ_FMD_NUM_ROWS = 3,
    PQ_FMD_ROW_GROUPS = 4,
    PQ_FMD_KEY_VALUE_METADATA = 5,
    PQ_FMD_CREATED_BY = 6,
    PQ_FMD_COLUMN_ORDERS = 7,
};

/* struct KeyValue */
enum { PQ_KV_KEY = 1, PQ_KV_VALUE = 2 };

/* struct SchemaElement */
enum {
    PQ_SE_TYPE = 1,
    PQ_SE_TYPE_LENGTH = 2,
    PQ_SE_REPETITION_TYPE = 3,
    PQ_SE_NAME = 4,
    PQ_SE_NUM_CHILDREN = 5,
    PQ_SE_CONVERTED_TYPE = 6,
    PQ_SE_LOGICAL_TYPE = 10,
};

/* union LogicalType: the member ids, each member an (empty unless said)
 * struct */
enum {
    PQ_LTYPE_STRING = 1,
    PQ_LTYPE_MAP = 2,
    PQ_LTYPE_LIST = 3,
    PQ_LTYPE_DATE = 6,
    PQ_LTYPE_TIMESTAMP = 8, /* TimestampType */
    PQ_LTYPE_INTEGER = 10,  /* IntType */
};

/* struct TimestampType */
enum { PQ_TS_IS_ADJUSTED_TO_UTC = 1, PQ_TS_UNIT = 2 };

/* union TimeUnit: the member ids (empty structs) */
enum { PQ_UNIT_MILLIS = 1, PQ_UNIT_MICROS = 2, PQ_UNIT_NANOS = 3 };

/* struct IntType */
enum { PQ_INT_BIT_WIDTH = 1, PQ_INT_IS_SIGNED = 2 };

/* struct RowGroup */
enum {
    PQ_RG_COLUMNS = 1,
    PQ_RG_TOTAL_BYTE_SIZE = 2,
    PQ_RG_NUM_ROWS = 3,
    PQ_RG_FILE_OFFSET = 5,
    PQ_RG_TOTAL_COMPRESSED_SIZE = 6,
    PQ_RG_ORDINAL = 7,
};

/* struct ColumnChunk */
enum { PQ_CC_FILE_PATH = 1, PQ_CC_FILE_OFFSET = 2, PQ_CC_META_DATA = 3 };

/* struct ColumnMetaData */
enum {
    PQ_CMD_TYPE = 1,
    PQ_CMD_ENCODINGS = 2,
    PQ_CMD_PATH_IN_SCHEMA = 3,
    PQ_CMD_CODEC = 4,
    PQ_CMD_NUM_VALUES = 5,
    PQ_CMD_TOTAL_UNCOMPRESSED_SIZE = 6,
    PQ_CMD_TOTAL_COMPRESSED_SIZE = 7,
    PQ_CMD_DATA_PAGE_OFFSET = 9,
    PQ_CMD_DICTIONARY_PAGE_OFFSET = 11,
    PQ_CMD_STATISTICS = 12,
};

/* struct Statistics */
enum {
    PQ_STAT_MAX = 1, /* deprecated max and min, signed order */
    PQ_STAT_MIN = 2,
    PQ_STAT_NULL_COUNT = 3,
    PQ_STAT_MAX_VALUE = 5,
    PQ_STAT_MIN_VALUE = 6,
    PQ_STAT_IS_MAX_VALUE_EXACT = 7,
    PQ_STAT_IS_MIN_VALUE_EXACT = 8,
};

/* union ColumnOrder */
enum { PQ_CO_TYPE_ORDER = 1 };

/* struct PageHeader */
enum {
    PQ_PH_TYPE = 1,
    PQ_PH_UNCOMPRESSED_PAGE_SIZE = 2,
    PQ_PH_COMPRESSED_PAGE_SIZE = 3,
    PQ_PH_DATA_PAGE_HEADER = 5,
    PQ_PH_DICTIONARY_PAGE_HEADER = 7,
    PQ_PH_DATA_PAGE_HEADER_V2 = 8,
};

/* struct DataPageHeader */
enum {
    PQ_DPH_NUM_VALUES = 1,
    PQ_DPH_ENCODING = 2,
    PQ_DPH_DEFINITION_LEVEL_ENCODING = 3,
    PQ_DPH_REPETITION_LEVEL_ENCODING = 4,
};

/* struct DictionaryPageHeader */
enum { PQ_DICTPH_NUM_VALUES = 1, PQ_DICTPH_ENCODING = 2 };

/* struct DataPageHeaderV2 */
enum {
    PQ_DPH2_NUM_VALUES = 1,
    PQ_DPH2_NUM_NULLS = 2,
    PQ_DPH2_NUM_ROWS = 3,
    PQ_DPH2_ENCODING = 4,
    PQ_DPH2_DEFINITION_LEVELS_BYTE_LENGTH = 5,
    PQ_DPH2_REPETITION_LEVELS_BYTE_LENGTH = 6,
    PQ_DPH2_IS_COMPRESSED = 7,
};

#endif
