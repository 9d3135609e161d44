/* Real strongSwan messages shared by the codec and proposal tests, as hex. */
#ifndef IKN_IKENODE_TESTS_STRONGSWAN_MSGS_H
#define IKN_IKENODE_TESTS_STRONGSWAN_MSGS_H

/* strongSwan 5.9 IKE_SA_INIT request and response (testing/data/strongswan-psk.pcap) */
extern const char strongswan_sa_init_req_hex[];
extern const char strongswan_sa_init_resp_hex[];

#endif
