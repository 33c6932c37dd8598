"""
Facts of the source post that must appear on the landing page, exactly as seed_content
stores them: FACTS_ZH on / and, at the same index, its English counterpart in FACTS_EN
on /en/.
"""

FACTS = [
    # The group and the advisor
    ("张文涛", "Zhang Wentao"),
    ("北大国际机器学习研究中心张文涛教授团队", "Center for Machine Learning Research"),
    ("北京大学国际机器学习研究中心", "Peking University"),
    ("北京前沿交叉学科研究院", "Beijing Academy for Advanced Interdisciplinary Studies"),
    ("助理教授", "Assistant Professor"),
    ("博士生导师", "PhD Supervisor"),
    ("腾讯机器学习平台部", "Machine Learning Platform Department"),
    ("Apple AIML", "Apple AIML"),
    ("加拿大 Mila 人工智能实验室", "Mila, the artificial intelligence lab in Canada"),
    ("以数据为中心的机器学习", "Data-centric machine learning"),
    ("图机器学习", "graph machine learning"),
    ("AI4Science", "AI4Science"),
    # The record
    ("CCF-A 类论文 50 余篇", "50+ CCF-A papers"),
    ("ICML/NeurIPS/ICLR", "ICML/NeurIPS/ICLR"),
    ("SIGKDD/WWW", "SIGKDD/WWW"),
    ("SIGMOD/VLDB/ICDE", "SIGMOD/VLDB/ICDE"),
    ("PC Member/Area Chair", "PC Member/Area Chair"),
    # Awards and honours
    ("Best Student Paper Award（第一作者）", "Best Student Paper Award (first author)"),
    ("APWeb-WAIM", "APWeb-WAIM"),
    (
        "Best Paper Runner Up Award（通讯作者）",
        "Best Paper Runner Up Award (corresponding author)",
    ),
    (
        "2021 年度亚太地区唯一的 Apple Scholar",
        "Apple Scholar 2021, the only one in the Asia-Pacific region",
    ),
    ("世界人工智能大会云帆奖", "Yunfan Award of the World Artificial Intelligence Conference"),
    ("优秀博士学位论文奖", "Outstanding Doctoral Dissertation Award"),
    ("中国人工智能学会", "Chinese Association for Artificial Intelligence"),
    (
        "2023 中国电子学会科技进步一等奖",
        "2023 First Prize of the Science and Technology Progress Award",
    ),
    ("中国电子学会", "Chinese Institute of Electronics"),
    # Open-source systems
    ("SGL", "SGL"),
    ("大规模图学习系统", "Large-scale graph learning system"),
    ("Angel", "Angel"),
    ("分布式机器学习系统", "Distributed machine learning system"),
    ("6.7k", "6.7k"),
    ("OpenBox", "OpenBox"),
    ("黑盒优化系统", "Black-box optimization system"),
    # Why join
    ("静园六院208", "Jingyuan Courtyard 6, Room 208"),
    ("腾讯会议", "Tencent Meeting"),
    ("师兄/师姐", "senior students"),
    ("一对一指导", "one-to-one supervision"),
    ("一作顶会投稿/发表", "first-author submission or publication at a top conference"),
    ("业界合作", "Industry partners"),
    ("华为", "Huawei"),
    ("上海AI Lab", "Shanghai AI Lab"),
    ("百川智能", "Baichuan AI"),
    ("字节", "ByteDance"),
    ("快手", "Kuaishou"),
    ("蚂蚁", "Ant Group"),
    ("学术合作", "Academic partners"),
    ("Mila、Stanford、ETH、HKUST、NUS 和UQ", "Mila, Stanford, ETH, HKUST, NUS and UQ"),
    ("充足算力", "Ample compute"),
    ("80GB Tesla A100/H100", "80GB Tesla A100/H100"),
    ("助研津贴", "Stipend"),
    ("羽毛球、徒步和聚餐", "badminton, hiking, dinners"),
    # Research directions
    ("General DCML", "General DCML"),
    ("2017年提出的Transformer", "Transformer architecture proposed in 2017"),
    ("ChatGPT 和SAM", "ChatGPT and SAM"),
    ("Data quality、quantity 和 efficiency", "data quality, quantity and efficiency"),
    ("RAG、分布匹配和数据配比", "RAG, distribution matching and data mixing"),
    ("DCML Applications", "DCML Applications"),
    ("For Science", "For Science"),
    ("蛋白质", "protein"),
    ("分子建模与生物制药", "molecular modelling and biopharmaceuticals"),
    ("For AIGC", "For AIGC"),
    ("Diffusion Model", "Diffusion Model"),
    ("CV、NLP", "CV, NLP"),
    (
        "文生图、文生视频、可控3D生成、多模态学习",
        "text-to-image, text-to-video, controllable 3D generation and multimodal learning",
    ),
    ("DCML Systems", "DCML Systems"),
    ("Graph和Text", "Graph and Text"),
    ("Distributed ML", "Distributed ML"),
    ("AutoML", "AutoML"),
    # Positions
    ("研究助理（RA）", "Research assistant (RA)"),
    ("实习生", "Intern"),
    ("推免", "recommended admission"),
    ("申请考核制", "application-and-assessment system"),
    # Requirements
    ("需要至少满足以下一个要求", "At least one of the following requirements must be met"),
    ("满足多个要求者优先考虑", "applicants who meet several are preferred"),
    (
        "ICML/NeurIPS/ICLR/CVPR/ICCV/WWW/KDD/SIGMOD/VLDB",
        "ICML/NeurIPS/ICLR/CVPR/ICCV/WWW/KDD/SIGMOD/VLDB",
    ),
    ("PyTorch", "PyTorch"),
    ("Kaggle、天池和OGB", "Kaggle, Tianchi"),
    ("ACM/NOI/NOIP", "ACM/NOI/NOIP"),
    ("Self-motivated", "Self-motivated"),
]

FACTS_ZH = [zh for zh, en in FACTS]
FACTS_EN = [en for zh, en in FACTS]
