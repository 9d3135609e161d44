from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, ec, utils
import os
D='testing/data/auth/'; O='testing/fuzz/corpus/auth_sig/'
k=lambda n: serialization.load_pem_private_key(open(D+n+'.pem','rb').read(), None)
rsa, p256, ed = k('rsa2048'), k('p256'), k('ed25519')
T=b"ikenode fuzz_auth_sig: the signed octets"
h=bytes.fromhex
A=dict(pkcs1=h('300d06092a864886f70d01010b0500'), ecdsa=h('300a06082a8648ce3d040302'), ed=h('300506032b6570'),
 pss=h('304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120'))
def w(name, method, key, auth): open(O+name,'wb').write(bytes([method,key])+auth)
def a14(algid, sig): return bytes([len(algid)])+algid+sig
w('rsa-pkcs1-sha256',14,0,a14(A['pkcs1'], rsa.sign(T, padding.PKCS1v15(), hashes.SHA256())))
w('rsa-pss-sha256',14,0,a14(A['pss'], rsa.sign(T, padding.PSS(padding.MGF1(hashes.SHA256()),32), hashes.SHA256())))
w('rsa-method1',1,0,rsa.sign(T, padding.PKCS1v15(), hashes.SHA1()))
w('ecdsa-sha256',14,1,a14(A['ecdsa'], p256.sign(T, ec.ECDSA(hashes.SHA256()))))
r,s=utils.decode_dss_signature(p256.sign(T, ec.ECDSA(hashes.SHA256())))
w('ecdsa-method9',9,1,r.to_bytes(32,'big')+s.to_bytes(32,'big'))
w('ed25519',14,2,a14(A['ed'], ed.sign(T)))
w('bad-len-octet',14,0,h('10300d06092a864886f70d01010b0500'))
w('bad-pss-trailer',14,0,h('14301206092a864886f70d01010a3005a30302010200'))
w('bad-unknown-oid',14,0,h('0f300d06092a864886f70d010104050000'))
w('bad-pss-order',14,0,h('253023 06092a864886f70d01010a3016a203020120a00f300d0609608648016503040201050000'.replace(' ','')))
