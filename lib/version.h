/* customflow version, shared by the tool and the Parquet footer. */
#ifndef CF_VERSION_H
#define CF_VERSION_H

#define CF_VERSION "0.1.0"

#endif
