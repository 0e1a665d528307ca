import time
from chinhquyen.signing.services import sign_pdf, verify_pdf
def test_smoke(binh_key, org_a_key, leader_binh, clerk_hoa, unsigned_pdf, with_tsa, org_tree):
    t=time.time()
    once = sign_pdf(unsigned_pdf, signer=leader_binh, role="personal", acting_user=leader_binh)
    print("sign1", time.time()-t); t=time.time()
    twice = sign_pdf(once, signer=clerk_hoa, role="organisation", acting_user=clerk_hoa)
    print("sign2", time.time()-t); t=time.time()
    open("/tmp/signing-twice.pdf","wb").write(twice)
    r = verify_pdf(twice)
    print("verify", time.time()-t)
    print(r.summary("en"))
    assert r.all_valid
